import { z } from 'zod';
import { BanListSchema, HostNoticeSchema, RoomSettingsSchema, SentAwaySchema, WaitingListSchema } from './access.js';
import { ChatMessageSchema } from './chat.js';
import type { ServerToClientEvents } from './events.js';
import { ReactionSchema } from './presence.js';
import { IceServerSchema, MeetingEndedSchema, ParticipantLeftSchema, ParticipantSchema, ProtocolErrorSchema, SignalMessageSchema } from './schemas.js';

export const JoinedReplySchema = z.strictObject({
  self: ParticipantSchema,
  participants: z.array(ParticipantSchema),
  room: RoomSettingsSchema,
  iceServers: z.array(IceServerSchema).max(4).optional(),
});

/**
 * The schema of every event the server sends: clients validate what they receive with these
 * (a client must not trust a server blindly either).
 */
export const SERVER_EVENT_SCHEMAS = {
  'participant-joined': ParticipantSchema,
  'participant-left': ParticipantLeftSchema,
  'participant-updated': ParticipantSchema,
  signal: SignalMessageSchema,
  'chat-message': ChatMessageSchema,
  reaction: ReactionSchema,
  'meeting-ended': MeetingEndedSchema,
  'room-settings': RoomSettingsSchema,
  'waiting-list': WaitingListSchema,
  admitted: JoinedReplySchema,
  'sent-away': SentAwaySchema,
  'host-notice': HostNoticeSchema,
  'ban-list': BanListSchema,
  'host-arrived': z.strictObject({}),
  'protocol-error': ProtocolErrorSchema,
} as const satisfies { [E in keyof ServerToClientEvents]: z.ZodType<Parameters<ServerToClientEvents[E]>[0]> };

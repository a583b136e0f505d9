import { z } from 'zod';
import { BanListSchema, HostNoticeSchema, RoomSettingsSchema, SentAwaySchema, WaitingListSchema } from './access.js';
import { JoinedReplySchema } from './replies.js';
import { ChatMessageSchema } from './chat.js';
import { ReactionSchema } from './presence.js';
import { MediaRouteEventSchema, SfuLayersSchema, SfuOfferSchema } from './sfu.js';
import { MeetingEndedSchema, ParticipantLeftSchema, ParticipantSchema, ProtocolErrorSchema, SignalMessageSchema } from './schemas.js';

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
  'media-route': MediaRouteEventSchema,
  'sfu-offer': SfuOfferSchema,
  'sfu-layers': SfuLayersSchema,
} as const satisfies Record<string, z.ZodType>;

/** Events the server sends, each with its one payload (typed from the schemas above). */
export type ServerToClientEvents = { [E in keyof typeof SERVER_EVENT_SCHEMAS]: (payload: z.output<(typeof SERVER_EVENT_SCHEMAS)[E]>) => void };

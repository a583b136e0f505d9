import { z } from 'zod';
import { RoomSettingsSchema } from './access.js';
import { IceServerSchema, ParticipantSchema } from './schemas.js';
import { MediaRouteSchema } from './sfu.js';

/** In the meeting: who you are, who is there, the room's rules, and the STUN/TURN servers to use. */
export const JoinedReplySchema = z.strictObject({
  self: ParticipantSchema,
  participants: z.array(ParticipantSchema),
  room: RoomSettingsSchema,
  iceServers: z.array(IceServerSchema).max(4).optional(),
  /** How the meeting's media travels now (absent: the mesh). */
  route: MediaRouteSchema.optional(),
});

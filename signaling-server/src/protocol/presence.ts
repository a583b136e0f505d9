import { z } from 'zod';
import { ParticipantIdSchema } from './schemas.js';

export const HandRequestSchema = z.strictObject({ raised: z.boolean() });

export const RecordingRequestSchema = z.strictObject({ active: z.boolean() });

/** The reactions people can send: a short burst on the sender's tile. */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '😮'] as const;

export const ReactionRequestSchema = z.strictObject({ emoji: z.enum(REACTIONS) });

export const ReactionSchema = z.strictObject({
  from: ParticipantIdSchema,
  emoji: z.enum(REACTIONS),
  at: z.number(),
});

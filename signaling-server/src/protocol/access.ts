import { z } from 'zod';
import { LIMITS } from './limits.js';
import { ParticipantIdSchema } from './schemas.js';

/** A meeting passcode as people type it. */
export const PasscodeSchema = z
  .string()
  .min(4, 'a passcode has at least 4 characters')
  .max(LIMITS.maxPasscodeChars, `a passcode has at most ${LIMITS.maxPasscodeChars} characters`);

/** Who may come in, and how: changed by the host. */
export const HostSettingsSchema = z
  .strictObject({
    locked: z.boolean().optional(),
    waitingRoom: z.boolean().optional(),
    /** A new passcode, or null to remove it. */
    passcode: PasscodeSchema.nullable().optional(),
  })
  .refine((s) => s.locked !== undefined || s.waitingRoom !== undefined || s.passcode !== undefined, 'nothing to change');

/** The room's rules as everyone sees them (the passcode itself never leaves the server). */
export const RoomSettingsSchema = z.strictObject({
  hostId: ParticipantIdSchema.nullable(),
  locked: z.boolean(),
  waitingRoom: z.boolean(),
  hasPasscode: z.boolean(),
});

export const TargetRequestSchema = z.strictObject({ id: ParticipantIdSchema });

export const WaitingPersonSchema = z.strictObject({
  id: ParticipantIdSchema,
  name: z.string(),
  /** Server time they started waiting. */
  since: z.number(),
});

export const WaitingListSchema = z.strictObject({ waiting: z.array(WaitingPersonSchema) });

/** Something the host asks of this participant, or has done to them. */
export const HostNoticeSchema = z.strictObject({
  kind: z.enum(['ask-unmute', 'muted', 'video-stopped']),
  by: z.string(),
});

export const SentAwaySchema = z.strictObject({
  reason: z.enum(['denied', 'removed']),
  message: z.string().max(200),
});

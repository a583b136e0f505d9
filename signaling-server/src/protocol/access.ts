import { z } from 'zod';
import { PasscodeSchema } from './passcode.js';
import { ParticipantIdSchema } from './schemas.js';

/** Who may come in, and how: changed by the host. */
export const HostSettingsSchema = z
  .strictObject({
    locked: z.boolean().optional(),
    waitingRoom: z.boolean().optional(),
    /** A new passcode, or null to remove it. */
    passcode: PasscodeSchema.nullable().optional(),
    /** Keep the chat when the meeting ends (the host, and whoever the host lets in next time, read it); otherwise it is deleted. */
    keepChat: z.boolean().optional(),
    /** The largest file people may share in the chat, up to the server's limit; 0 turns files off. */
    maxFileBytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 40)
      .optional(),
  })
  .refine((s) => Object.values(s).some((v) => v !== undefined), 'nothing to change');

/** The room's rules as everyone sees them (the passcode itself never leaves the server). */
export const RoomSettingsSchema = z.strictObject({
  hostId: ParticipantIdSchema.nullable(),
  locked: z.boolean(),
  waitingRoom: z.boolean(),
  hasPasscode: z.boolean(),
  /** The chat outlives the meeting (the host chose to keep it). */
  keepChat: z.boolean(),
  /** Files in the chat: the largest one the meeting takes (0: none), and the most the host may allow (the server's limit). */
  files: z.strictObject({ maxBytes: z.number().int().min(0), capBytes: z.number().int().min(0) }).optional(),
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

/**
 * Why exactly someone was sent away, for the client to word in its language: `denied` (the host
 * did not let them in), `meeting-ended` (it ended while they waited), `removed` (by the host).
 */
export const SENT_AWAY_CODES = ['denied', 'meeting-ended', 'removed'] as const;
export type SentAwayCode = (typeof SENT_AWAY_CODES)[number];

export const SentAwaySchema = z.strictObject({
  reason: z.enum(['denied', 'removed']),
  /** In English, for logs: clients word `code` (or, from a server older than `code`, `reason`). */
  message: z.string().max(200),
  /** Absent from an older server; a code this client does not know yet reads as absent (worded from `reason`). */
  code: z.enum(SENT_AWAY_CODES).optional().catch(undefined),
  /** removed: the host who did it, by name. */
  by: z.string().max(200).optional(),
});

/** To the host: who is banned from the meeting (removed, and kept out until the host lifts it). */
export const BanListSchema = z.strictObject({
  banned: z.array(z.strictObject({ id: ParticipantIdSchema, name: z.string(), at: z.number() })),
});

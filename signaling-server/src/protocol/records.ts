import { z } from 'zod';
import { ParticipantIdSchema } from './schemas.js';

/**
 * Meeting records: what happened in one meeting instance (who came when, who waited how long,
 * speaking time, call quality, recordings, files). Kept by the server that held the meeting, read
 * only by whoever hosted it (see docs/security.md), never sent anywhere else.
 */

/** A meeting record's id (random, made when the meeting started). */
export const RecordIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a meeting instance id');

/** A participant secret the client holds (the one it joins with): the server derives the id from it. */
const SecretSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'not a secret');

/** The identities a client proves it holds on this server: the secrets of meetings it hosted. */
const SecretsSchema = z.array(SecretSchema).max(64).default([]);

export const RECORD_LIMITS = {
  /** One `meeting-stats` report per this many ms (the client sends one every 30 s). */
  statsEveryMs: 10_000,
  /** Quality samples kept per person (two per minute: four hours). */
  maxSamples: 480,
  /** Past meetings listed at once. */
  maxListed: 100,
  /** People (and stints, waits, recordings per person) a record holds. */
  maxPeople: 500,
  maxEntries: 200,
} as const;

/**
 * What a participant's client measured since its last report: how long its microphone was the one
 * speaking, and the median round trip, packet loss and share of time its received video was
 * degraded (null: not measured, e.g. nobody else there).
 */
export const MeetingStatsSchema = z.strictObject({
  speakingMs: z.number().int().min(0).max(120_000),
  rttMs: z.number().min(0).max(60_000).nullable(),
  lossPct: z.number().min(0).max(100).nullable(),
  degradedShare: z.number().min(0).max(1).nullable(),
});

/** `meeting-record`: one record, by id (absent: the meeting this connection is in). */
export const MeetingRecordRequestSchema = z.strictObject({
  id: RecordIdSchema.optional(),
  secrets: SecretsSchema,
});

export const MeetingRecordsRequestSchema = z.strictObject({ secrets: SecretsSchema });

export const DeleteMeetingRecordSchema = z.strictObject({ id: RecordIdSchema, secrets: SecretsSchema });

const Stint = z.strictObject({ joinedAt: z.number(), leftAt: z.number().nullable() });
const Wait = z.strictObject({ since: z.number(), until: z.number(), waitedMs: z.number(), outcome: z.enum(['admitted', 'denied', 'left']) });
const Recording = z.strictObject({ startedAt: z.number(), stoppedAt: z.number().nullable() });

export const RecordPersonSchema = z.strictObject({
  id: ParticipantIdSchema,
  name: z.string(),
  host: z.boolean(),
  stints: z.array(Stint),
  waits: z.array(Wait),
  speakingMs: z.number(),
  /** Round trip and loss: medians of what the client reported; degradedShare: the mean of the reports' shares, a share of the time (null: it reported nothing). */
  quality: z.strictObject({ medianRttMs: z.number().nullable(), lossPct: z.number().nullable(), degradedShare: z.number().nullable() }),
  recordings: z.array(Recording),
  filesShared: z.number(),
});

export const MeetingRecordSchema = z.strictObject({
  /** The record's id (one per run of a meeting instance). */
  id: RecordIdSchema,
  code: z.string(),
  startedAt: z.number(),
  /** null: still running. */
  endedAt: z.number().nullable(),
  people: z.array(RecordPersonSchema),
  filesShared: z.number(),
  /** When the server deletes it (null: while the meeting runs). */
  keepUntil: z.number().nullable(),
});

export const MeetingRecordSummarySchema = z.strictObject({
  id: RecordIdSchema,
  code: z.string(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  people: z.number(),
});

export const MeetingRecordReplySchema = z.strictObject({ record: MeetingRecordSchema });
export const MeetingRecordsReplySchema = z.strictObject({ meetings: z.array(MeetingRecordSummarySchema) });

export type MeetingStats = z.infer<typeof MeetingStatsSchema>;
export type MeetingRecordView = z.infer<typeof MeetingRecordSchema>;
export type RecordPerson = z.infer<typeof RecordPersonSchema>;
export type MeetingRecordSummary = z.infer<typeof MeetingRecordSummarySchema>;

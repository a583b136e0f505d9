import { z } from 'zod';
import { MediaStateSchema, ParticipantSchema, WaitingPersonSchema, type ErrorCode } from '../protocol/index.js';
import type { ClusterMember, ClusterReply, ClusterRequest, ClusterWaiter } from './cluster.js';

/**
 * What nodes read from Redis and from each other, checked with zod like any other network input:
 * a malformed message or record is dropped (a record the owner wrote badly is not taken over).
 */

const ERROR_CODES = [
  'invalid-payload',
  'payload-too-large',
  'unknown-event',
  'version-mismatch',
  'not-in-room',
  'already-in-room',
  'not-found',
  'rate-limited',
  'room-full',
  'forbidden',
  'locked',
  'passcode-required',
  'passcode-wrong',
  'banned',
  'quota-exceeded',
  'busy',
  'internal',
] as const satisfies readonly ErrorCode[];

const SocketIdSchema = z.string().min(1).max(100);
const NodeSchema = z.string().min(1).max(200);

const ClusterRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('event'), event: z.string().max(100), payload: z.unknown(), socketId: SocketIdSchema, address: z.string().max(200) }),
  z.strictObject({
    kind: z.literal('disconnect'),
    socketId: SocketIdSchema,
    address: z.string().max(200),
    reason: z.enum(['disconnected', 'timed-out']),
  }),
  z.strictObject({ kind: z.literal('present'), socketId: SocketIdSchema }),
]);

const ClusterReplySchema = z.union([
  z.strictObject({ moved: z.literal(true) }),
  z.looseObject({ ok: z.literal(true) }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string(), retryAfterMs: z.number().optional() }),
  }),
]);

const EnvelopeSchema = z.strictObject({
  id: z.number().int().nonnegative(),
  from: NodeSchema,
  request: ClusterRequestSchema.optional(),
  reply: ClusterReplySchema.optional(),
});

export interface Envelope {
  id: number;
  from: string;
  request?: ClusterRequest;
  reply?: ClusterReply;
}

/** One message between nodes, or null when it is not one. */
export function readEnvelope(text: string): Envelope | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) return null;
  const { id, from, request, reply } = parsed.data;
  return { id, from, ...(request ? { request } : {}), ...(reply ? { reply: reply as ClusterReply } : {}) };
}

const ClusterMemberSchema = ParticipantSchema.extend({ room: z.string(), socketId: SocketIdSchema, node: NodeSchema });
const ClusterWaiterSchema = WaitingPersonSchema.extend({ socketId: SocketIdSchema, session: z.string(), media: MediaStateSchema, node: NodeSchema });

function records<T>(schema: z.ZodType<T>, values: string[]): T[] {
  const out: T[] = [];
  for (const text of values) {
    try {
      const parsed = schema.safeParse(JSON.parse(text));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // not JSON: skipped
    }
  }
  return out;
}

export const readMembers = (values: string[]): ClusterMember[] => records(ClusterMemberSchema, values);
export const readWaiters = (values: string[]): ClusterWaiter[] => records(ClusterWaiterSchema, values);

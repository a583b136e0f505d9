import { z } from 'zod';
import { LIMITS } from './limits.js';
import { ParticipantIdSchema, UNPRINTABLE_EXCEPT_NEWLINES } from './schemas.js';

/** Made by the sending client; the server stores each id once per meeting, so resending is safe. */
export const ChatMessageIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a message id is 8-64 url-safe characters');

export const ChatSendSchema = z.strictObject({
  id: ChatMessageIdSchema,
  text: z
    .string()
    .trim()
    .min(1, 'the message is empty')
    .max(LIMITS.maxChatChars, `a message is at most ${LIMITS.maxChatChars} characters`)
    .refine((text) => !UNPRINTABLE_EXCEPT_NEWLINES.test(text), 'the message holds control characters'),
});

export const ChatHistoryRequestSchema = z.strictObject({
  /** Only messages older than this sequence number (for paging back); omitted: the newest. */
  before: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(LIMITS.maxHistoryPage),
});

/** A file id: made by the server (128 random bits), url-safe. Never a path. */
export const FileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a file id');

/**
 * A file shared in the chat, as its message carries it. `type` is what the server decided (the
 * bytes' own type for the raster images it recognises, otherwise what the sender declared, else
 * application/octet-stream). `image`: a raster image (png, jpeg, gif, webp) small enough to
 * preview; absent for anything else.
 */
export const ChatFileSchema = z.strictObject({
  id: FileIdSchema,
  name: z.string().max(255),
  size: z.number().int().min(0),
  type: z.string().max(127),
  /** Hex SHA-256 of the bytes: the client checks what it downloaded against it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  image: z.strictObject({ width: z.number().int().min(1), height: z.number().int().min(1) }).optional(),
});

export const ChatMessageSchema = z.strictObject({
  id: ChatMessageIdSchema,
  /** Position in the meeting's chat, from 1, assigned by the server; the order everyone sees. */
  seq: z.number().int().min(1),
  from: z.strictObject({ id: ParticipantIdSchema, name: z.string() }),
  text: z.string(),
  /** Server time the message was first stored, ms since the epoch. */
  sentAt: z.number(),
  /** A file shared in the chat (its `text` is then empty): see files.ts. */
  file: ChatFileSchema.optional(),
});

export const ChatHistorySchema = z.strictObject({
  messages: z.array(ChatMessageSchema),
  /** Whether older messages exist before the first one returned. */
  hasMore: z.boolean(),
});

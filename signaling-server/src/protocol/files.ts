import { z } from 'zod';
import { ChatMessageIdSchema, ChatMessageSchema, FileIdSchema } from './chat.js';

/**
 * Files in the chat. A member asks to share a file (`file-offer`: name, size, type); the server
 * checks the meeting's limits and answers with a short-lived upload token for one new file id. The
 * bytes go over HTTP to the same server (`PUT /files/<id>`, the token in an `Authorization: Bearer`
 * header, never a cookie or the URL); once they are on disk (or in the database) and the message
 * that carries them is stored, the upload's reply is that message, and everyone in the meeting
 * gets it as a `chat-message`. Downloading takes a token too (`file-token`), for one person, one
 * file and one use, within a minute: a copied address alone reads nothing.
 */
export const FILE_LIMITS = {
  /** The largest file a meeting takes unless the server (`--max-file-mb`) or its host says less. */
  maxFileBytes: 25 * 1024 * 1024,
  /** What one meeting's files may add up to (`--meeting-files-mb`), and how many there may be. */
  maxBytesPerMeeting: 250 * 1024 * 1024,
  maxFilesPerMeeting: 200,
  maxNameChars: 255,
  /** Images larger than this (width x height) are shared as files, without a preview. */
  maxPreviewPixels: 50_000_000,
  /** How long an upload token may wait before its upload starts, and a download token before it is used. */
  uploadTokenMs: 2 * 60_000,
  downloadTokenMs: 60_000,
  /** `file-offer`s per connection: a burst, then so many a second. */
  offerBurst: 20,
  offersPerSecond: 1,
  /** `file-token`s per connection (a history of images asks for one each). */
  tokenBurst: 100,
  tokensPerSecond: 10,
} as const;

/** Why a file was not taken; the app words each one. */
export const FileRefusalCodeSchema = z.enum([
  /** Larger than the meeting's limit (`maxBytes` says it). */
  'file-too-large',
  /** The meeting's files (or its chat) are full. */
  'file-quota',
  /** Its bytes are not what its name or type says (a page named like an image). */
  'file-type',
  /** Nothing in it (or a folder). */
  'file-empty',
  /** The host turned files off in this meeting. */
  'files-off',
]);
export type FileRefusalCode = z.infer<typeof FileRefusalCodeSchema>;

export const FileRefusalSchema = z.strictObject({
  code: FileRefusalCodeSchema,
  /** For developers and logs; the app words the refusal from `code`. */
  message: z.string().max(300),
  /** The meeting's limit, for `file-too-large`. */
  maxBytes: z.number().int().min(0).optional(),
});
export type FileRefusal = z.infer<typeof FileRefusalSchema>;

// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * A file name as it may be shown and saved: NFC, without control, format (zero-width, bidi
 * overrides that make "exe.txt" of "txt.exe") or separator characters, without folders, at most
 * 255 characters (the extension kept), never empty. Clients clean names with this; the server
 * refuses a name this would change.
 */
export function cleanFileName(name: string): string {
  let clean = name.normalize('NFC').replace(UNSAFE_IN_NAMES, '').replace(/[/\\]/g, '_').trim();
  if (clean === '' || clean === '.' || clean === '..') clean = 'file';
  const chars = Array.from(clean);
  if (clean.length <= FILE_LIMITS.maxNameChars) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? Array.from(clean.slice(dot)) : [];
  const kept: string[] = [];
  let length = ext.join('').length;
  for (const char of chars.slice(0, chars.length - ext.length)) {
    if (length + char.length > FILE_LIMITS.maxNameChars) break;
    kept.push(char);
    length += char.length;
  }
  return (kept.join('') + ext.join('')).trim();
}

export const FileNameSchema = z
  .string()
  .min(1, 'the file name is empty')
  .max(FILE_LIMITS.maxNameChars, `a file name is at most ${FILE_LIMITS.maxNameChars} characters`)
  .refine((name) => name === cleanFileName(name), 'the file name holds characters that are not allowed (control, invisible, folders)');

/** A media type as browsers declare it (`File.type`), or '' when they do not know. */
export const MediaTypeSchema = z
  .string()
  .max(127)
  .regex(/^(?:[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)?$/i, 'not a media type')
  .transform((type) => type.toLowerCase());

/** `file-offer`: I want to share this file. */
export const FileOfferSchema = z.strictObject({
  /** The chat message that will carry it (made by the client, like a text message's). */
  id: ChatMessageIdSchema,
  name: FileNameSchema,
  size: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40),
  type: MediaTypeSchema,
});

export const FileUploadGrantSchema = z.strictObject({
  fileId: FileIdSchema,
  /** For the `Authorization: Bearer` header of `PUT /files/<fileId>`. */
  token: z.string().min(16).max(2048),
  /** Server time after which the upload may no longer start. */
  expiresAt: z.number(),
});

/**
 * The reply to `file-offer`: go ahead (`upload`), or the file is refused (`refused`, the reason by
 * code: the request itself was fine, the file is not taken). Offering a message id again is safe:
 * if its upload was stored already, the new upload's reply is that stored message.
 */
export const FileOfferReplySchema = z.union([z.strictObject({ upload: FileUploadGrantSchema }), z.strictObject({ refused: FileRefusalSchema })]);

/** `file-token`: a download token for one file of my meeting. */
export const FileTokenRequestSchema = z.strictObject({ fileId: FileIdSchema });
export const FileTokenReplySchema = z.strictObject({
  /** For the `Authorization: Bearer` header of `GET /files/<fileId>`; good for one download. */
  token: z.string().min(16).max(2048),
  expiresAt: z.number(),
});

/** What the HTTP endpoints answer when they refuse: a file refusal, or one of these. */
export const FileHttpErrorCodeSchema = z.union([
  FileRefusalCodeSchema,
  z.enum([
    /** No token, or not a valid one for this file (expired, used, forged, another file's). */
    'unauthorized',
    /** From a page of another origin, or the person is no longer in the meeting. */
    'forbidden',
    'not-found',
    /** The upload for this file id was made already, or is under way. */
    'conflict',
    /** Not the bytes announced (size, encoding), or not a request these endpoints take. */
    'bad-request',
    'busy',
    'internal',
  ]),
]);
export type FileHttpErrorCode = z.infer<typeof FileHttpErrorCodeSchema>;

/** The JSON reply of `PUT /files/<fileId>`. */
export const FileUploadReplySchema = z.union([
  z.strictObject({ ok: z.literal(true), message: ChatMessageSchema }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ code: FileHttpErrorCodeSchema, message: z.string().max(300), maxBytes: z.number().optional() }),
  }),
]);
export type FileUploadReply = z.infer<typeof FileUploadReplySchema>;

/** Where a file's bytes are, on the server that holds the meeting's chat. */
export const filePath = (fileId: string): string => `/files/${fileId}`;

export type FileOffer = z.input<typeof FileOfferSchema>;
export type FileUploadGrant = z.infer<typeof FileUploadGrantSchema>;

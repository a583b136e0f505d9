import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ChatMessageIdSchema, FileIdSchema, FileNameSchema, ParticipantIdSchema } from '../protocol/index.js';

/**
 * What an upload token allows: one person (`p`, named `n`) of one meeting instance (`i`, under code
 * `c`) sends the bytes of one new file (`f`) of exactly `s` bytes, for chat message `m`, until `e`.
 */
const UploadClaimsSchema = z.strictObject({
  k: z.literal('up'),
  i: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  c: z.string().max(64),
  p: ParticipantIdSchema,
  n: z.string().max(64),
  f: FileIdSchema,
  m: ChatMessageIdSchema,
  nm: FileNameSchema,
  s: z.number().int().min(0),
  t: z.string().max(127),
  e: z.number(),
});

/** What a download token allows: one person of one meeting instance reads one file once (`x`: its nonce), until `e`. */
const DownloadClaimsSchema = z.strictObject({
  k: z.literal('down'),
  i: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  p: ParticipantIdSchema,
  f: FileIdSchema,
  x: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  e: z.number(),
});

export type UploadClaims = z.infer<typeof UploadClaimsSchema>;
export type DownloadClaims = z.infer<typeof DownloadClaimsSchema>;

const PREFIX = 'rt1';

/**
 * File tokens: the claims (JSON, base64url) and an HMAC-SHA256 of them with a key the store keeps,
 * so any server sharing the store (a cluster node) checks a token another made, and nobody without
 * the key makes one. A token says who may do what with which file until when; the server checks
 * it before anything else, and the person's place in the meeting too where it holds the meeting.
 */
export class FileTokens {
  private key: Promise<Buffer> | null = null;

  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  private keyOf(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = null;
      throw error;
    });
    return this.key;
  }

  async mintUpload(claims: Omit<UploadClaims, 'k'>): Promise<string> {
    return this.sign({ k: 'up', ...claims });
  }

  async mintDownload(claims: Omit<DownloadClaims, 'k' | 'x'>): Promise<string> {
    return this.sign({ k: 'down', ...claims, x: randomBytes(12).toString('base64url') });
  }

  /** The claims of a genuine, unexpired upload token; null for anything else. */
  async upload(token: string, now: number): Promise<UploadClaims | null> {
    const claims = UploadClaimsSchema.safeParse(await this.open(token));
    return claims.success && claims.data.e > now ? claims.data : null;
  }

  async download(token: string, now: number): Promise<DownloadClaims | null> {
    const claims = DownloadClaimsSchema.safeParse(await this.open(token));
    return claims.success && claims.data.e > now ? claims.data : null;
  }

  private async sign(claims: UploadClaims | DownloadClaims): Promise<string> {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const mac = createHmac('sha256', await this.keyOf())
      .update(`${PREFIX}.${body}`)
      .digest('base64url');
    return `${PREFIX}.${body}.${mac}`;
  }

  /** The claims of a token whose signature holds (not yet checked against a schema), or null. */
  private async open(token: string): Promise<unknown> {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]{43}$/.test(parts[2]!)) return null;
    const expected = createHmac('sha256', await this.keyOf())
      .update(`${PREFIX}.${parts[1]}`)
      .digest();
    const given = Buffer.from(parts[2]!, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    } catch {
      return null;
    }
  }
}

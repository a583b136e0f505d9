import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { deflateSync } from 'node:zlib';
import type { Socket } from 'socket.io-client';
import { request, type Reply } from '../harness.js';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

let counter = 0;
export const messageId = (): string => `file-msg-${String((counter += 1)).padStart(6, '0')}`;

export interface Offered {
  fileId: string;
  token: string;
  expiresAt: number;
}

/** `file-offer`; returns the whole reply (a grant, a refusal, or an error). */
export function offer(socket: Socket, file: { name: string; size: number; type?: string; id?: string }): Promise<Reply> {
  return request(socket, 'file-offer', { id: file.id ?? messageId(), name: file.name, size: file.size, type: file.type ?? '' });
}

export async function grant(socket: Socket, file: { name: string; size: number; type?: string; id?: string }): Promise<Offered> {
  const reply = await offer(socket, file);
  if (!reply.ok || !reply.upload) throw new Error(`offer refused: ${JSON.stringify(reply)}`);
  return reply.upload as Offered;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): { ok: boolean; error?: { code: string; message: string }; message?: { id: string; seq: number; file?: Record<string, unknown> } };
}

/** One raw HTTP request (headers exactly as given: no Content-Length made up, an Origin if asked). */
export function http(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: Uint8Array; chunks?: Uint8Array[] } = {},
): Promise<HttpResult> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body.toString('utf8')) as ReturnType<HttpResult['json']>,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.chunks) for (const chunk of options.chunks) req.write(chunk);
    req.end(options.body);
  });
}

export function put(base: string, fileId: string, token: string | null, body: Uint8Array, headers: Record<string, string | number> = {}): Promise<HttpResult> {
  return http(base, 'PUT', `/files/${fileId}`, {
    headers: { 'content-type': 'application/octet-stream', 'content-length': body.length, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });
}

export function get(base: string, fileId: string, token: string | null, headers: Record<string, string> = {}): Promise<HttpResult> {
  return http(base, 'GET', `/files/${fileId}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

export async function downloadToken(socket: Socket, fileId: string): Promise<string> {
  const reply = await request(socket, 'file-token', { fileId });
  if (!reply.ok) throw new Error(`no token: ${JSON.stringify(reply)}`);
  return reply.token as string;
}

/** Offers and uploads a file; resolves with the stored message (or throws with the refusal). */
export async function share(
  base: string,
  socket: Socket,
  name: string,
  bytes: Uint8Array,
  type = '',
): Promise<{ id: string; seq: number; file: Record<string, unknown> }> {
  const up = await grant(socket, { name, size: bytes.length, type });
  const result = await put(base, up.fileId, up.token, bytes);
  const body = result.json();
  if (!body.ok) throw new Error(`upload refused: ${result.status} ${JSON.stringify(body)}`);
  return body.message as { id: string; seq: number; file: Record<string, unknown> };
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'ascii'), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A real PNG of one colour. With `claimOnly`, the header says `width` x `height` but the pixel data
 * is for a 1x1 image (a "huge image" whose header alone is the attack).
 */
export function png(width: number, height: number, rgb: [number, number, number] = [200, 30, 30], claimOnly = false): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = claimOnly ? 1 : height;
  const cols = claimOnly ? 1 : width;
  const raw = Buffer.alloc(rows * (1 + cols * 3));
  for (let y = 0; y < rows; y++) {
    const at = y * (1 + cols * 3);
    for (let x = 0; x < cols; x++) raw.set(rgb, at + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A small but real PDF. */
export function pdf(text = 'Roundtable'): Buffer {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

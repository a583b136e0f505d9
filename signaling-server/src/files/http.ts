import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  claimedPreviewType,
  FILE_LIMITS,
  IMAGE_HEAD_BYTES,
  PREVIEW_TYPES,
  sniffImage,
  type ChatFile,
  type ChatMessage,
  type FileHttpErrorCode,
  type FileUploadReply,
} from '../protocol/index.js';
import { clientAddress, isOriginAllowed } from '../limits/index.js';
import type { Meeting } from '../rooms/meetings.js';
import type { ServerState } from '../rooms/context.js';
import { inOrder } from '../rooms/chat-handlers.js';

/** Where a browser may call these endpoints from (the same rule as the signaling connection's). */
export interface FileOrigins {
  allowed: readonly string[] | '*';
  ownNames: () => Set<string>;
  trustProxy: boolean;
}

const FILE_PATH = /^\/files\/([A-Za-z0-9_-]{22})$/;

/**
 * Every response of these endpoints: never sniffed, never cached, never a document (a sandboxed,
 * script-less origin even if someone opened one in a tab), never embedded by another site.
 */
const SAFE_HEADERS: OutgoingHttpHeaders = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: FileHttpErrorCode,
    message: string,
    readonly maxBytes?: number,
  ) {
    super(message);
  }
}

/** `Content-Disposition: attachment` with the name in both forms (RFC 6266): an ASCII fallback and UTF-8. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The type a file is served as: one of the preview images (their bytes were checked), otherwise bytes. */
export function servedType(file: Pick<ChatFile, 'type'>): string {
  return (PREVIEW_TYPES as readonly string[]).includes(file.type) ? file.type : 'application/octet-stream';
}

/**
 * `PUT /files/<id>` (upload) and `GET /files/<id>` (download) on the signaling server's own HTTP
 * server. Each needs a token in an `Authorization: Bearer` header: a page on another site cannot
 * send one without a CORS preflight, which these endpoints grant only to the origins the signaling
 * connection accepts; cookies and the URL are never read. Returns false for paths that are not its own.
 */
export function createFileHttpHandler(state: ServerState, origins: FileOrigins): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path !== '/files' && !path.startsWith('/files/')) return false;
    const cors = corsHeaders(req, origins);
    const reply = (status: number, body: FileUploadReply | { ok: false; error: { code: FileHttpErrorCode; message: string } }): void => {
      if (res.headersSent) return void res.destroy();
      const text = JSON.stringify(body);
      res.writeHead(status, { ...SAFE_HEADERS, ...cors, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const refuse = (error: unknown): void => {
      if (error instanceof Refused) {
        reply(error.status, {
          ok: false,
          error: { code: error.code, message: error.message, ...(error.maxBytes !== undefined ? { maxBytes: error.maxBytes } : {}) },
        });
      } else {
        state.log.error('a file request failed', error);
        reply(500, { ok: false, error: { code: 'internal', message: 'the server could not handle the file' } });
      }
    };
    // A page of another origin gets nothing, and no CORS grant that would let it read anything.
    if (cors === null) {
      drain(req);
      refuse(new Refused(403, 'forbidden', 'this origin may not use this server'));
      return true;
    }
    const match = FILE_PATH.exec(path);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...SAFE_HEADERS,
        ...cors,
        'access-control-allow-methods': 'GET, PUT',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    }
    if (!match) {
      drain(req);
      refuse(new Refused(404, 'not-found', 'no such file'));
      return true;
    }
    const fileId = match[1]!;
    const token = bearer(req);
    const work =
      req.method === 'PUT'
        ? upload(state, origins, req, fileId, token)
        : req.method === 'GET'
          ? download(state, req, res, fileId, token, cors)
          : Promise.reject(new Refused(405, 'bad-request', 'files are sent with PUT and fetched with GET'));
    void work.then(
      (message) => {
        if (message) reply(200, { ok: true, message });
      },
      (error: unknown) => {
        drain(req);
        refuse(error);
      },
    );
    return true;
  };
}

/** CORS headers for an allowed browser origin ({} for a client that sends none); null: refused. */
function corsHeaders(req: IncomingMessage, origins: FileOrigins): OutgoingHttpHeaders | null {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  if (!isOriginAllowed(req, origins.allowed, origins.ownNames)) return null;
  return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'content-disposition, content-length, content-type' };
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9._-]{16,2048})$/.exec(header) : null;
  return match ? match[1]! : null;
}

/** Whatever the client still sends after a refusal is read and dropped (so the reply reaches it), up to a point. */
function drain(req: IncomingMessage): void {
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > 1024 * 1024) req.destroy();
  });
  req.resume();
}

/** Someone the meeting still counts as let in; where this server does not run the meeting (a cluster node), the token's word. */
function checkMember(state: ServerState, instance: string, participant: string): Meeting | null {
  const meeting = state.meetings.byInstance(instance);
  if (!meeting) {
    if (state.cluster.clustered) return null;
    throw new Refused(403, 'forbidden', 'the meeting is over');
  }
  if (!meeting.allowed.has(participant) || meeting.banned.has(participant)) throw new Refused(403, 'forbidden', 'you are not in this meeting');
  return meeting;
}

async function upload(state: ServerState, origins: FileOrigins, req: IncomingMessage, fileId: string, token: string | null): Promise<ChatMessage> {
  const { files } = state;
  const claims = token ? await files.tokens.upload(token, state.now()) : null;
  if (!claims || claims.f !== fileId) throw new Refused(401, 'unauthorized', 'no valid upload token for this file');
  const meeting = checkMember(state, claims.i, claims.p);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    throw new Refused(400, 'bad-request', 'files are sent as they are, without content encoding');
  const length = req.headers['content-length'];
  if (length === undefined || !/^\d+$/.test(length)) throw new Refused(400, 'bad-request', 'an upload says its length (Content-Length)');
  if (Number(length) !== claims.s) throw new Refused(400, 'bad-request', `the offer said ${claims.s} bytes, the upload says ${length}`);

  if (await files.store.get(claims.i, fileId)) throw new Refused(409, 'conflict', 'this file was uploaded already');
  const address = clientAddress(req, origins.trustProxy);
  const started = files.beginUpload(fileId, address);
  if (started === 'conflict') throw new Refused(409, 'conflict', 'this file is being uploaded already');
  if (started === 'busy') throw new Refused(503, 'busy', 'too many uploads at once: try again in a moment');
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let received = 0;
  async function* counted(): AsyncIterable<Uint8Array> {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > claims!.s) throw new Refused(413, 'file-too-large', 'more bytes than the offer said');
      hash.update(chunk);
      if (headBytes < IMAGE_HEAD_BYTES) {
        head.push(chunk.subarray(0, IMAGE_HEAD_BYTES - headBytes));
        headBytes += Math.min(chunk.length, IMAGE_HEAD_BYTES - headBytes);
      }
      yield chunk;
    }
    if (received !== claims!.s) throw new Refused(400, 'bad-request', `the upload ended after ${received} of ${claims!.s} bytes`);
  }
  let written = false;
  try {
    try {
      await files.store.write(claims.i, fileId, counted());
    } catch (error) {
      if (error instanceof Refused) throw error;
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' || /duplicate key/.test((error as Error).message)) {
        throw new Refused(409, 'conflict', 'this file was uploaded already');
      }
      // The client went away mid-upload, or the store failed.
      if (req.destroyed || req.readableAborted) throw new Refused(400, 'bad-request', 'the upload was cut short');
      throw error;
    }
    written = true;

    // The bytes decide what an image is; a file that claims to be one must be one.
    const image = sniffImage(Buffer.concat(head), FILE_LIMITS.maxPreviewPixels);
    const claimed = claimedPreviewType(claims.nm, claims.t);
    if (claimed && !image) throw new Refused(415, 'file-type', `the file says it is ${claimed}, but its bytes are not`);
    const file: ChatFile = {
      id: fileId,
      name: claims.nm,
      size: claims.s,
      type: image ? image.type : claims.t || 'application/octet-stream',
      sha256: hash.digest('hex'),
      ...(image?.size ? { image: image.size } : {}),
    };
    const message = { id: claims.m, from: { id: claims.p, name: claims.n }, text: '', sentAt: state.now(), file };
    const quota = { files: files.limits.maxFilesPerMeeting, bytes: files.limits.maxBytesPerMeeting };
    const append = (): ReturnType<typeof files.store.append> => files.store.append(claims.i, message, quota);
    if (meeting) meeting.chat.messages += 1;
    let result;
    try {
      result = await (meeting ? inOrder(claims.i, append) : append());
    } finally {
      if (meeting && (!result || !('stored' in result) || result.duplicate)) meeting.chat.messages -= 1;
    }
    if ('overQuota' in result) throw new Refused(413, 'file-quota', "this meeting's files are full");
    if ('conflict' in result) throw new Refused(409, 'conflict', `message id "${claims.m}" belongs to another message`);
    if (result.duplicate) {
      // The same message sent again (its reply was lost): the first upload stands, this copy goes.
      if (result.stored.file?.id === fileId) written = false;
      return result.stored;
    }
    written = false;
    if (meeting && state.meetings.get(meeting.code) !== meeting && state.meetings.keptUnder(meeting.code)?.instance !== meeting.instance) {
      // The meeting ended while the file was on its way: it goes with the rest of the meeting.
      await state.store.dropMeeting(meeting.instance);
      throw new Refused(403, 'forbidden', 'the meeting is over');
    }
    state.journal.fileShared(claims.i, result.stored.from);
    state.io.to(claims.c).emit('chat-message', result.stored);
    return result.stored;
  } finally {
    if (written) await files.store.discard(claims.i, fileId).catch(() => undefined);
    files.endUpload(fileId, address);
    files.release(fileId);
  }
}

async function download(
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
  fileId: string,
  token: string | null,
  cors: OutgoingHttpHeaders,
): Promise<null> {
  const { files } = state;
  const claims = token ? await files.tokens.download(token, state.now()) : null;
  if (!claims || claims.f !== fileId || !files.useDownload(claims.x, claims.e)) throw new Refused(401, 'unauthorized', 'no valid download token for this file');
  checkMember(state, claims.i, claims.p);
  const file = await files.store.get(claims.i, fileId);
  const bytes = file && (await files.store.read(claims.i, fileId));
  if (!file || !bytes) throw new Refused(404, 'not-found', 'no such file');
  drain(req);
  res.writeHead(200, {
    ...SAFE_HEADERS,
    ...cors,
    'content-type': servedType(file),
    'content-length': file.size,
    'content-disposition': attachmentHeader(file.name),
  });
  await pipeline(Readable.from(bytes), res).catch(() => res.destroy());
  return null;
}

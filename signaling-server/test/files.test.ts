import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignalingDeps, SignalingOptions } from '../src/app.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { closeClients, connectClient, joined, joinRequest, nextEvent, record, request, settle, startServer, type TestServer } from './harness.js';
import { downloadToken, get, grant, http, offer, pdf, png, put, sha256, share } from './support/files.js';

/**
 * Files in the chat against the real server, real HTTP, real files on disk and real SQLite: who may
 * share and read them, what each kind of attacker (docs/security.md) gets, and that files follow
 * the chat's life.
 */
let server: TestServer | undefined;
let dataDir = '';
afterEach(async () => {
  closeClients();
  await server?.close();
  server = undefined;
});

async function start(options: SignalingOptions = {}, deps: SignalingDeps = {}, dir?: string): Promise<TestServer> {
  dataDir = dir ?? mkdtempSync(join(tmpdir(), 'rt-files-'));
  server = await startServer(options, undefined, { store: await SqliteStore.open(join(dataDir, 'chat.db')), ...deps });
  return server;
}

const filesOnDisk = (): string[] => {
  const root = join(dataDir, 'files');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((instance) => readdirSync(join(root, instance)).map((name) => `${instance}/${name}`));
};

describe('sharing a file', () => {
  it('goes to everyone in the meeting with its name, size, type and hash, and downloads as the same bytes, as an attachment', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'files', name: 'Ada' });
    const bob = await joined(url, { room: 'files', name: 'Bob' });
    const bobSees = nextEvent<{ id: string; text: string; file: Record<string, unknown>; from: { name: string } }>(bob.socket, 'chat-message');
    const bytes = pdf('quarterly numbers');
    const up = await grant(ada.socket, { name: 'Report Q3 – final.pdf', size: bytes.length, type: 'application/pdf' });
    const uploaded = await put(url, up.fileId, up.token, bytes);
    expect(uploaded.status).toBe(200);
    const { message } = uploaded.json();
    expect(message).toMatchObject({
      text: '',
      from: { id: ada.id, name: 'Ada' },
      file: { id: up.fileId, name: 'Report Q3 – final.pdf', size: bytes.length, type: 'application/pdf', sha256: sha256(bytes) },
    });
    expect(message!.file).not.toHaveProperty('image');
    expect(await bobSees).toEqual(message);
    // On disk, under the meeting instance, and nowhere else.
    expect(filesOnDisk()).toHaveLength(1);
    expect(readFileSync(join(dataDir, 'files', filesOnDisk()[0]!))).toEqual(bytes);

    const download = await get(url, up.fileId, await downloadToken(bob.socket, up.fileId));
    expect(download.status).toBe(200);
    expect(sha256(download.body)).toBe(sha256(bytes));
    expect(download.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
    expect(download.headers['content-disposition']).toBe(`attachment; filename="Report Q3 _ final.pdf"; filename*=UTF-8''Report%20Q3%20%E2%80%93%20final.pdf`);
    expect(download.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
  });

  it('an image gets its size from its own bytes and is served as the image it is', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'pictures' });
    const image = png(64, 48);
    const message = await share(url, ada.socket, 'photo.PNG', image, 'image/png');
    expect(message.file).toMatchObject({ type: 'image/png', image: { width: 64, height: 48 } });
    // A JPEG named .png is a JPEG.
    const misnamed = await share(
      url,
      ada.socket,
      'not-really.png',
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
      'image/png',
    );
    expect(misnamed.file).toMatchObject({ type: 'image/jpeg' });
    const download = await get(url, message.file.id as string, await downloadToken(ada.socket, message.file.id as string));
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('a late joiner sees earlier files in the history, like messages, and can download them', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'history' });
    await request(ada.socket, 'chat-send', { id: 'before-file-1', text: 'here it comes' });
    const bytes = pdf();
    const shared = await share(url, ada.socket, 'agenda.pdf', bytes, 'application/pdf');
    const late = await joined(url, { room: 'history' });
    const history = await request(late.socket, 'chat-history', { limit: 10 });
    expect(history.messages).toEqual([expect.objectContaining({ text: 'here it comes', seq: 1 }), expect.objectContaining({ seq: 2, file: shared.file })]);
    const download = await get(url, shared.file.id as string, await downloadToken(late.socket, shared.file.id as string));
    expect(sha256(download.body)).toBe(sha256(bytes));
  });

  it('a file acknowledged is there after a restart (fsync before the reply), with its history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-files-'));
    let { url } = await start({}, {}, dir);
    const hostJoin = joinRequest({ room: 'restart' });
    const ada = await connectClient(url);
    await request(ada, 'join', hostJoin);
    const bytes = pdf('kept');
    const shared = await share(url, ada, 'kept.pdf', bytes);
    await server!.close();
    ({ url } = await start({}, {}, dir));
    const back = await connectClient(url);
    expect(await request(back, 'join', hostJoin)).toMatchObject({ ok: true });
    expect((await request(back, 'chat-history', { limit: 10 })).messages).toEqual([expect.objectContaining({ file: shared.file })]);
    const download = await get(url, shared.file.id as string, await downloadToken(back, shared.file.id as string));
    expect(sha256(download.body)).toBe(sha256(bytes));
  });

  it('an upload sent again for the same message (its reply was lost) is stored once', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'again' });
    const bob = await joined(url, { room: 'again' });
    const seen = record(bob.socket, 'chat-message');
    const bytes = pdf();
    const first = await grant(ada.socket, { id: 'same-message-1', name: 'a.pdf', size: bytes.length });
    const firstReply = (await put(url, first.fileId, first.token, bytes)).json();
    const second = await grant(ada.socket, { id: 'same-message-1', name: 'a.pdf', size: bytes.length });
    const secondReply = (await put(url, second.fileId, second.token, bytes)).json();
    expect(secondReply).toEqual(firstReply);
    await settle();
    expect(seen).toHaveLength(1);
    expect(filesOnDisk()).toHaveLength(1);
    // The same token twice: the file is there already.
    expect((await put(url, first.fileId, first.token, bytes)).json()).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('what a meeting takes', () => {
  it('refuses, with a reason by code, a file too big, an empty one, and every file when the host turns them off; the host sets the limit', async () => {
    const { url } = await start({ files: { maxFileBytes: 1000 } });
    const host = await joined(url, { room: 'limits' });
    const guest = await joined(url, { room: 'limits' });
    expect(host.reply.room).toMatchObject({ files: { maxBytes: 1000, capBytes: 1000 } });
    expect(await offer(guest.socket, { name: 'big.bin', size: 1001 })).toMatchObject({ ok: true, refused: { code: 'file-too-large', maxBytes: 1000 } });
    expect(await offer(guest.socket, { name: 'empty.txt', size: 0 })).toMatchObject({ ok: true, refused: { code: 'file-empty' } });
    expect(await offer(guest.socket, { name: 'fits.bin', size: 1000 })).toMatchObject({ ok: true, upload: { fileId: expect.any(String) } });

    // Only the host sets it, never above the server's limit; everyone is told.
    expect(await request(guest.socket, 'host-settings', { maxFileBytes: 10 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(host.socket, 'host-settings', { maxFileBytes: 5000 })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const told = nextEvent(guest.socket, 'room-settings');
    expect(await request(host.socket, 'host-settings', { maxFileBytes: 100 })).toMatchObject({ ok: true, room: { files: { maxBytes: 100, capBytes: 1000 } } });
    expect(await told).toMatchObject({ files: { maxBytes: 100 } });
    expect(await offer(guest.socket, { name: 'fits.bin', size: 101 })).toMatchObject({ refused: { code: 'file-too-large', maxBytes: 100 } });
    await request(host.socket, 'host-settings', { maxFileBytes: 0 });
    expect(await offer(guest.socket, { name: 'tiny.txt', size: 1 })).toMatchObject({ refused: { code: 'files-off' } });
  });

  it("counts every file against the meeting's quota: offers at the same moment cannot overshoot it", async () => {
    const { url } = await start({ files: { maxBytesPerMeeting: 2500, maxFilesPerMeeting: 3 } });
    const ada = await joined(url, { room: 'quota' });
    const offers = await Promise.all(Array.from({ length: 4 }, (_, i) => offer(ada.socket, { name: `part-${i}.bin`, size: 1000 })));
    expect(offers.filter((r) => r.upload)).toHaveLength(2);
    expect(offers.filter((r) => (r.refused as { code: string } | undefined)?.code === 'file-quota')).toHaveLength(2);
    const bytes = Buffer.alloc(1000, 7);
    for (const reply of offers.filter((r) => r.upload)) {
      const up = reply.upload as { fileId: string; token: string };
      expect((await put(url, up.fileId, up.token, bytes)).status).toBe(200);
    }
    expect(await offer(ada.socket, { name: 'more.bin', size: 600 })).toMatchObject({ refused: { code: 'file-quota' } });
    const third = await grant(ada.socket, { name: 'small.bin', size: 400 });
    expect((await put(url, third.fileId, third.token, Buffer.alloc(400))).status).toBe(200);
    // Three files is the limit too.
    expect(await offer(ada.socket, { name: 'tiny.bin', size: 1 })).toMatchObject({ refused: { code: 'file-quota' } });
  });

  it('an HTML page disguised as an image is refused, and its bytes are gone', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'disguise' });
    const page = Buffer.from('<!doctype html><script>fetch("/steal")</script>');
    for (const [name, type] of [
      ['cat.png', 'image/png'],
      ['cat.jpg', ''],
      ['cat', 'image/webp'],
    ] as const) {
      const up = await grant(ada.socket, { name, size: page.length, type });
      const result = await put(url, up.fileId, up.token, page);
      expect(result.status).toBe(415);
      expect(result.json()).toMatchObject({ ok: false, error: { code: 'file-type' } });
    }
    expect(filesOnDisk()).toEqual([]);
    expect((await request(ada.socket, 'chat-history', { limit: 10 })).messages).toEqual([]);
  });

  it('an HTML or SVG file shared as what it is is served inertly: bytes, an attachment, never sniffed, in a sandbox', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'inert' });
    for (const [name, type] of [
      ['page.html', 'text/html'],
      ['drawing.svg', 'image/svg+xml'],
    ] as const) {
      const bytes = Buffer.from(name.endsWith('svg') ? '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' : '<script>alert(1)</script>');
      const shared = await share(url, ada.socket, name, bytes, type);
      expect(shared.file).toMatchObject({ type });
      expect(shared.file).not.toHaveProperty('image');
      const download = await get(url, shared.file.id as string, await downloadToken(ada.socket, shared.file.id as string));
      expect(download.headers).toMatchObject({ 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff' });
      expect(download.headers['content-disposition']).toMatch(/^attachment; /);
      expect(download.headers['content-security-policy']).toContain('sandbox');
    }
  });

  it('a huge image (its header says 100000 x 100000) is shared as a file without a preview; nothing is decoded', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'bomb' });
    const bomb = png(100_000, 100_000, [0, 0, 0], true);
    const shared = await share(url, ada.socket, 'bomb.png', bomb, 'image/png');
    expect(shared.file).toMatchObject({ type: 'image/png', size: bomb.length });
    expect(shared.file).not.toHaveProperty('image');
  });

  it('takes the bytes as announced, and nothing else: no content encoding (no zip bombs), the right length', async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'exact' });
    const bytes = Buffer.alloc(100, 1);
    const gz = await grant(ada.socket, { name: 'a.bin', size: 100 });
    expect((await put(url, gz.fileId, gz.token, bytes, { 'content-encoding': 'gzip' })).json()).toMatchObject({ error: { code: 'bad-request' } });
    const short = await grant(ada.socket, { name: 'b.bin', size: 100 });
    expect((await put(url, short.fileId, short.token, bytes.subarray(0, 50))).json()).toMatchObject({ error: { code: 'bad-request' } });
    // Chunked, with no length: more than announced is cut off.
    const long = await grant(ada.socket, { name: 'c.bin', size: 100 });
    const chunked = await http(url, 'PUT', `/files/${long.fileId}`, {
      headers: { authorization: `Bearer ${long.token}`, 'transfer-encoding': 'chunked' },
      chunks: [bytes, bytes],
    });
    expect(chunked.json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(filesOnDisk()).toEqual([]);
  });
});

describe('who may read a file', () => {
  async function meetingWithFile(options: SignalingOptions = {}, deps: SignalingDeps = {}) {
    const { url } = await start(options, deps);
    const ada = await joined(url, { room: 'private-files', name: 'Ada' });
    const bob = await joined(url, { room: 'private-files', name: 'Bob' });
    const bytes = pdf('secret');
    const shared = await share(url, ada.socket, 'secret.pdf', bytes);
    return { url, ada, bob, bytes, fileId: shared.file.id as string };
  }

  it('a stranger with the address (a copied link) gets nothing; a token in the URL or a cookie counts for nothing', async () => {
    const { url, bob, fileId } = await meetingWithFile();
    expect((await get(url, fileId, null)).status).toBe(401);
    const token = await downloadToken(bob.socket, fileId);
    expect((await http(url, 'GET', `/files/${fileId}?token=${token}`)).status).toBe(401);
    expect((await http(url, 'GET', `/files/${fileId}`, { headers: { cookie: `token=${token}` } })).status).toBe(401);
    // Bob's own token, used once, does not work a second time (a copied token is spent).
    expect((await get(url, fileId, token)).status).toBe(200);
    const replay = await get(url, fileId, token);
    expect(replay.status).toBe(401);
    expect(replay.body.toString()).not.toContain('secret');
  });

  it('a stranger on the server cannot get a token: not in the meeting, in the waiting room, or in another meeting', async () => {
    const { url, ada, fileId } = await meetingWithFile();
    const stranger = await connectClient(url);
    expect(await request(stranger, 'file-token', { fileId })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
    expect(await request(stranger, 'file-offer', { id: 'stranger-0001', name: 'x.txt', size: 1, type: '' })).toMatchObject({
      ok: false,
      error: { code: 'not-in-room' },
    });
    const other = await joined(url, { room: 'another-meeting' });
    expect(await request(other.socket, 'file-token', { fileId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    await request(ada.socket, 'host-settings', { waitingRoom: true });
    const waiting = await connectClient(url);
    expect(await request(waiting, 'join', joinRequest({ room: 'private-files', create: undefined }))).toEqual({ ok: true, waiting: true });
    expect(await request(waiting, 'file-token', { fileId })).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
  });

  it('a forged, altered or expired token is refused; a token for one file opens no other', async () => {
    let clock = 1_700_000_000_000;
    const { url, ada, bob, fileId } = await meetingWithFile({}, { now: () => clock });
    const token = await downloadToken(bob.socket, fileId);
    const [prefix, body, mac] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, e: (claims.e as number) + 3_600_000 })).toString('base64url')}.${mac}`;
    expect((await get(url, fileId, altered)).status).toBe(401);
    expect((await get(url, fileId, `${prefix}.${body}.${'A'.repeat(43)}`)).status).toBe(401);
    const other = await share(url, ada.socket, 'other.pdf', pdf('other'));
    expect((await get(url, other.file.id as string, token)).status).toBe(401);
    clock += 61_000;
    expect((await get(url, fileId, token)).status).toBe(401);
    // An upload token is not a download token.
    const up = await grant(ada.socket, { name: 'x.bin', size: 3 });
    expect((await get(url, fileId, up.token)).status).toBe(401);
    clock += 3 * 60_000;
    expect((await put(url, up.fileId, up.token, Buffer.from('abc'))).status).toBe(401);
  });

  it('someone removed from the meeting reads and sends nothing more, even with a token in hand', async () => {
    const { url, ada, bob, fileId } = await meetingWithFile();
    const token = await downloadToken(bob.socket, fileId);
    const up = await grant(bob.socket, { name: 'late.bin', size: 3 });
    await request(ada.socket, 'remove', { id: bob.id });
    await settle(300);
    expect((await get(url, fileId, token)).status).toBe(403);
    expect((await put(url, up.fileId, up.token, Buffer.from('abc'))).status).toBe(403);
  });

  it('a web page of another origin in a guest’s browser can neither upload (CSRF) nor read, even with a token', async () => {
    const { url, ada, bob, fileId } = await meetingWithFile();
    const evil = { origin: 'https://evil.example' };
    const preflight = await http(url, 'OPTIONS', `/files/${fileId}`, {
      headers: { ...evil, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const up = await grant(ada.socket, { name: 'csrf.bin', size: 3 });
    expect((await put(url, up.fileId, up.token, Buffer.from('abc'), evil)).status).toBe(403);
    expect((await get(url, fileId, await downloadToken(bob.socket, fileId), evil)).status).toBe(403);
    // A form post (what a page can send without a preflight) carries no token, and its origin is not welcome.
    const form = { 'content-type': 'text/plain', 'content-length': 3 };
    expect((await http(url, 'PUT', `/files/${up.fileId}`, { headers: { ...evil, ...form }, body: Buffer.from('abc') })).status).toBe(403);
    expect((await http(url, 'PUT', `/files/${up.fileId}`, { headers: form, body: Buffer.from('abc') })).status).toBe(401);
    // The server's own pages and the desktop app are welcome.
    const own = await http(url, 'OPTIONS', `/files/${fileId}`, { headers: { origin: url, 'access-control-request-method': 'PUT' } });
    expect(own.status).toBe(204);
    expect(own.headers['access-control-allow-origin']).toBe(url);
    expect(own.headers['access-control-allow-headers']).toBe('authorization, content-type');
    const app = await get(url, fileId, await downloadToken(bob.socket, fileId), { origin: 'app://roundtable' });
    expect(app.status).toBe(200);
    expect(app.headers['access-control-allow-origin']).toBe('app://roundtable');
  });

  it('no path leads out of the files folder, and a file name is never a path', async () => {
    const { url, ada } = await meetingWithFile();
    for (const path of [
      '/files/../chat.db',
      '/files/%2e%2e%2fchat.db',
      '/files/..%2F..%2Fchat.db',
      '/files/',
      '/files',
      '/files/abc',
      `/files/${'A'.repeat(22)}/x`,
    ]) {
      const result = await http(url, 'GET', path);
      expect([401, 404], path).toContain(result.status);
      expect(result.body.toString()).not.toContain('SQLite');
    }
    for (const name of ['../../chat.db', 'a/b.txt', 'evil\u202etxt.exe', 'bell\u0007.txt', '']) {
      expect(await offer(ada.socket, { name, size: 10 }), JSON.stringify(name)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
  });
});

describe('files follow the chat', () => {
  it("an ended meeting's files are deleted with its chat", async () => {
    const { url } = await start();
    const ada = await joined(url, { room: 'ends' });
    await share(url, ada.socket, 'gone.pdf', pdf());
    expect(filesOnDisk()).toHaveLength(1);
    await request(ada.socket, 'end-meeting', {});
    await expect.poll(filesOnDisk).toEqual([]);
  });

  it("a kept meeting's files stay for its host until the retention runs out", async () => {
    let clock = 1_700_000_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'rt-files-'));
    const retention = 24 * 60 * 60_000;
    let { url } = await start({ chatRetentionMs: retention }, { now: () => clock }, dir);
    const hostJoin = joinRequest({ room: 'kept-files' });
    const ada = await connectClient(url);
    await request(ada, 'join', hostJoin);
    await request(ada, 'host-settings', { keepChat: true });
    const bytes = pdf('kept');
    const shared = await share(url, ada, 'kept.pdf', bytes);
    await request(ada, 'end-meeting', {});
    await settle(200);
    expect(filesOnDisk()).toHaveLength(1);

    const back = await connectClient(url);
    await request(back, 'join', hostJoin);
    const download = await get(url, shared.file.id as string, await downloadToken(back, shared.file.id as string));
    expect(sha256(download.body)).toBe(sha256(bytes));
    await request(back, 'end-meeting', {});
    await settle(200);
    await server!.close();
    clock += retention + 1;
    ({ url } = await start({ chatRetentionMs: retention }, { now: () => clock }, dir));
    await server!.signaling.ready;
    expect(filesOnDisk()).toEqual([]);
  });
});

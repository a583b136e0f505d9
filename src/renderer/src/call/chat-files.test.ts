import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSignalingServer, MemoryStore } from '@roundtable/signaling-server';
import { PROTOCOL_VERSION, type ChatFile } from '@roundtable/signaling-server/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatController, FileProblemError, type ChatEntry } from './chat';
import type { FileTransfer } from './file-transfer';
import { randomToken } from './ids';
import { SignalingClient } from './signaling-client';

/**
 * Files in the chat as the call engine handles them, in Node: the real signaling server and its
 * file endpoints, the browser's HTTP replaced by fetch (no upload progress in Node).
 */
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function meetingServer(maxFileBytes?: number): Promise<string> {
  const http = createServer();
  const signaling = createSignalingServer(http, { store: new MemoryStore() }, maxFileBytes === undefined ? {} : { files: { maxFileBytes } });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => signaling.close());
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

interface TestTransfer extends FileTransfer {
  /** Uploads that fail as a lost connection would, before the rest go through. */
  failUploads: number;
  /** Changes the bytes of downloads (as a broken proxy would). */
  tamper: boolean;
}

function nodeTransfer(): TestTransfer {
  const transfer: TestTransfer = {
    failUploads: 0,
    tamper: false,
    upload: async (url, token, body, onProgress) => {
      if (transfer.failUploads > 0) {
        transfer.failUploads -= 1;
        return { status: 0, body: null };
      }
      const response = await fetch(url, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body });
      onProgress(body.size);
      return { status: response.status, body: await response.json() };
    },
    download: async (url, token) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) return { status: response.status, body: await response.json() };
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (transfer.tamper) bytes[0] = bytes[0]! ^ 0xff;
      return { status: response.status, body: new Blob([bytes]) };
    },
  };
  return transfer;
}

async function participant(url: string, name: string, transfer = nodeTransfer()): Promise<{ chat: ChatController; transfer: TestTransfer }> {
  const signaling = new SignalingClient(url);
  cleanup.push(() => signaling.close());
  await signaling.whenConnected();
  const reply = await signaling.request('join', {
    protocol: PROTOCOL_VERSION,
    room: 'files',
    name,
    secret: randomToken(),
    session: randomToken(12),
    media: { audio: false, video: false },
    create: {},
  });
  if (!('self' in reply)) throw new Error('not let in');
  const chat = new ChatController(signaling, { transfer });
  await chat.synchronize(reply.self);
  return { chat, transfer };
}

const entries = (chat: ChatController): readonly ChatEntry[] => chat.state.get().messages;
const fileOf = (chat: ChatController, name: string): ChatFile | undefined => entries(chat).find((m) => m.file?.name === name)?.file;

describe('files in the chat', () => {
  it('shares a file with everyone: stored once, the same bytes downloaded by the others, checked against its hash', async () => {
    const url = await meetingServer();
    const ada = await participant(url, 'Ada');
    const bob = await participant(url, 'Bob');
    const bytes = new TextEncoder().encode('%PDF-1.4 minutes of the meeting');
    ada.chat.files.attach(new File([bytes], 'minutes.pdf', { type: 'application/pdf' }));
    await vi.waitFor(() => expect(fileOf(bob.chat, 'minutes.pdf')).toMatchObject({ size: bytes.length, type: 'application/pdf' }));
    await vi.waitFor(() => expect(entries(ada.chat)).toEqual([expect.objectContaining({ status: 'sent', seq: 1, file: fileOf(bob.chat, 'minutes.pdf') })]));
    expect(entries(ada.chat)[0]).not.toHaveProperty('upload');

    const downloaded = await bob.chat.files.download(fileOf(bob.chat, 'minutes.pdf')!);
    expect(new Uint8Array(await downloaded.arrayBuffer())).toEqual(bytes);
    bob.transfer.tamper = true;
    await expect(bob.chat.files.download(fileOf(bob.chat, 'minutes.pdf')!)).rejects.toMatchObject({ problem: 'damaged' });
  });

  it('a file over the meeting’s limit is refused before it is sent; one the server refuses says why, by code', async () => {
    const url = await meetingServer(1000);
    const ada = await participant(url, 'Ada');
    ada.chat.files.attach(new File([new Uint8Array(2000)], 'big.bin'), 1000);
    ada.chat.files.attach(new File([], 'empty.txt'));
    // The app's own check passed (no limit given), the server's did not.
    ada.chat.files.attach(new File([new Uint8Array(1001)], 'also-big.bin'));
    ada.chat.files.attach(new File(['<html><script>alert(1)</script>'], 'cat.png', { type: 'image/png' }));
    await vi.waitFor(() =>
      expect(entries(ada.chat).map((m) => [m.upload?.name, m.status, m.upload?.problem, m.upload?.maxBytes])).toEqual([
        ['big.bin', 'failed', 'file-too-large', 1000],
        ['empty.txt', 'failed', 'file-empty', undefined],
        ['also-big.bin', 'failed', 'file-too-large', 1000],
        ['cat.png', 'failed', 'file-type', undefined],
      ]),
    );
    ada.chat.files.cancelFile(entries(ada.chat)[0]!.id);
    await vi.waitFor(() => expect(entries(ada.chat)).toHaveLength(3));
  });

  it('an upload cut off by the network is tried again; past a few tries it waits for the person to retry', async () => {
    const url = await meetingServer();
    const ada = await participant(url, 'Ada');
    ada.transfer.failUploads = 1;
    ada.chat.files.attach(new File(['notes'], 'notes.txt', { type: 'text/plain' }));
    await vi.waitFor(() => expect(entries(ada.chat)[0]).toMatchObject({ status: 'sent', file: { name: 'notes.txt' } }), { timeout: 5000 });

    ada.transfer.failUploads = 10;
    ada.chat.files.attach(new File(['more notes'], 'more.txt'));
    await vi.waitFor(() => expect(entries(ada.chat)[1]).toMatchObject({ status: 'failed', upload: { problem: 'network' } }), { timeout: 10_000 });
    ada.transfer.failUploads = 0;
    ada.chat.files.retryFile(entries(ada.chat)[1]!.id);
    await vi.waitFor(() => expect(entries(ada.chat)[1]).toMatchObject({ status: 'sent', seq: 2, file: { name: 'more.txt' } }), { timeout: 5000 });
  });

  it('names are cleaned before they are offered (no folders, no hidden characters)', async () => {
    const url = await meetingServer();
    const ada = await participant(url, 'Ada');
    ada.chat.files.attach(new File(['x'], 'report\u202efdp.exe'));
    await vi.waitFor(() => expect(entries(ada.chat)[0]).toMatchObject({ status: 'sent', file: { name: 'reportfdp.exe' } }));
  });

  it('a download for someone no longer in the meeting fails with a reason', async () => {
    const url = await meetingServer();
    const ada = await participant(url, 'Ada');
    ada.chat.files.attach(new File(['x'], 'x.txt'));
    await vi.waitFor(() => expect(entries(ada.chat)[0]?.file).toBeDefined());
    const outsider = new ChatController(new SignalingClient(url), { transfer: nodeTransfer() });
    const error = await outsider.files.download(entries(ada.chat)[0]!.file!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileProblemError);
  });
});

import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { collect } from '../src/store/file-store.js';
import type { MeetingRecord, ServerStore } from '../src/store/store.js';
import { sha256 } from './support/files.js';

const record = (instance: string, overrides: Partial<MeetingRecord> = {}): MeetingRecord => ({
  code: `code-${instance}`,
  instance,
  hostId: 'host-000001',
  createdAt: 1,
  locked: false,
  waitingRoom: false,
  passcode: null,
  keepChat: false,
  allowed: ['host-000001'],
  banned: [],
  state: 'live',
  keepUntil: null,
  ...overrides,
});

async function* chunks(bytes: Buffer, size = 100_000): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const fileMessage = (id: string, fileId: string, bytes: Buffer, from = 'host-000001') => ({
  id,
  from: { id: from, name: 'Ada' },
  text: '',
  sentAt: 1_700_000_000_000,
  file: { id: fileId, name: `${id}.bin`, size: bytes.length, type: 'application/octet-stream', sha256: sha256(bytes) },
});

const fileId = (): string => randomBytes(16).toString('base64url');
const quota = { files: 10, bytes: 10 * 1024 * 1024 };

/**
 * What every ServerStore promises about files (store/file-store.ts), tried on `store`. `instance`
 * keeps runs on a shared database apart.
 */
export async function fileStoreContract(store: ServerStore, instance: string): Promise<void> {
  await store.saveMeeting(record(instance));
  // Several chunks' worth (the PostgreSQL store keeps 256 KiB chunks), and not a multiple of one.
  const big = randomBytes(700_001);
  const id = fileId();
  await store.files.write(instance, id, chunks(big));
  // Written but not appended: nobody reads it yet.
  expect(await store.files.get(instance, id)).toBeNull();
  expect(await store.files.read(instance, id)).toBeNull();
  await expect(store.files.write(instance, id, chunks(Buffer.from('again')))).rejects.toThrow();

  const appended = await store.files.append(instance, fileMessage('file-message-01', id, big), quota);
  expect(appended).toMatchObject({ duplicate: false, stored: { seq: 1, file: { id, size: big.length } } });
  expect(await store.files.get(instance, id)).toMatchObject({ id, size: big.length, messageId: 'file-message-01', uploaderId: 'host-000001' });
  expect(sha256(await collect((await store.files.read(instance, id))!))).toBe(sha256(big));
  expect((await store.chatPage(instance, { limit: 10 })).messages).toEqual([
    expect.objectContaining({ id: 'file-message-01', text: '', file: fileMessage('file-message-01', id, big).file }),
  ]);
  expect(await store.files.usage(instance)).toEqual({ files: 1, bytes: big.length });

  // The same message again is the stored one; another sender's id is a conflict.
  const again = fileId();
  await store.files.write(instance, again, chunks(big));
  expect(await store.files.append(instance, fileMessage('file-message-01', again, big), quota)).toMatchObject({ duplicate: true, stored: { file: { id } } });
  expect(await store.files.append(instance, fileMessage('file-message-01', again, big, 'someone-else'), quota)).toEqual({ conflict: true });
  await store.files.discard(instance, again);
  expect(await store.files.usage(instance)).toEqual({ files: 1, bytes: big.length });

  // The quota holds in the store too (files and bytes).
  const small = Buffer.from('small');
  const over = fileId();
  await store.files.write(instance, over, chunks(small));
  expect(await store.files.append(instance, fileMessage('file-message-02', over, small), { files: 1, bytes: quota.bytes })).toEqual({ overQuota: true });
  expect(await store.files.append(instance, fileMessage('file-message-02', over, small), { files: 5, bytes: big.length + 4 })).toEqual({ overQuota: true });
  expect(await store.files.append(instance, fileMessage('file-message-02', over, small), quota)).toMatchObject({ stored: { seq: 2 } });

  // An empty file is a file.
  const empty = fileId();
  await store.files.write(instance, empty, chunks(Buffer.alloc(0)));
  await store.files.append(instance, fileMessage('file-message-03', empty, Buffer.alloc(0)), quota);
  expect(await collect((await store.files.read(instance, empty))!)).toHaveLength(0);

  // Files go with their meeting.
  await store.dropMeeting(instance);
  expect(await store.files.get(instance, id)).toBeNull();
  expect(await store.files.read(instance, id)).toBeNull();
  expect(await store.files.usage(instance)).toEqual({ files: 0, bytes: 0 });

  // ... and with a kept meeting when its time is up.
  const kept = `${instance}-kept`;
  await store.saveMeeting(record(kept, { state: 'kept', keepUntil: 5_000, keepChat: true }));
  const keptFile = fileId();
  await store.files.write(kept, keptFile, chunks(small));
  await store.files.append(kept, fileMessage('kept-message-1', keptFile, small), quota);
  await store.purgeExpired(4_999);
  expect(await store.files.get(kept, keptFile)).not.toBeNull();
  await store.purgeExpired(5_000);
  expect(await store.files.get(kept, keptFile)).toBeNull();
  expect(await store.files.read(kept, keptFile)).toBeNull();

  const key = await store.files.tokenKey();
  expect(key).toHaveLength(32);
  expect(await store.files.tokenKey()).toEqual(key);
}

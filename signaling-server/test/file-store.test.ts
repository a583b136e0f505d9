import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { fileStoreContract } from './file-store-contract.js';

describe('files in the store', () => {
  it('the in-memory store keeps the file contract', async () => {
    await fileStoreContract(new MemoryStore(), 'memory-instance');
  });

  it('the SQLite store keeps the file contract, with the bytes on disk beside the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-file-store-'));
    const store = await SqliteStore.open(join(dir, 'chat.db'));
    try {
      await fileStoreContract(store, 'sqlite-instance');
      // Nothing of the dropped meetings is left on disk.
      expect(readdirSync(join(dir, 'files'))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('the SQLite store keeps its token key across restarts, and sweeps bytes it does not know (a crash mid-upload)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-file-store-'));
    const file = join(dir, 'chat.db');
    let store = await SqliteStore.open(file);
    const key = await store.files.tokenKey();
    const meeting = {
      code: 'c',
      instance: 'live-instance',
      hostId: null,
      createdAt: 1,
      locked: false,
      waitingRoom: false,
      passcode: null,
      keepChat: false,
      allowed: [],
      banned: [],
      state: 'live' as const,
      keepUntil: null,
    };
    await store.saveMeeting(meeting);
    const bytes = randomBytes(1000);
    const one = async function* () {
      yield bytes;
    };
    await store.files.write('live-instance', 'appended-file-id-00001', one());
    await store.files.append(
      'live-instance',
      {
        id: 'message-0001',
        from: { id: 'someone-001', name: 'A' },
        text: '',
        sentAt: 1,
        file: { id: 'appended-file-id-00001', name: 'a', size: 1000, type: '', sha256: '0'.repeat(64) },
      },
      { files: 9, bytes: 1e9 },
    );
    await store.files.write('live-instance', 'orphaned-file-id-00001', one());
    await store.files.write('gone-instance', 'orphaned-file-id-00002', one());
    await store.close();

    store = await SqliteStore.open(file);
    try {
      expect(await store.files.tokenKey()).toEqual(key);
      expect(readdirSync(join(dir, 'files'))).toEqual(['live-instance']);
      expect(readdirSync(join(dir, 'files', 'live-instance'))).toEqual(['appended-file-id-00001']);
      expect(existsSync(join(dir, 'files', 'gone-instance'))).toBe(false);
    } finally {
      await store.close();
    }
  });
});

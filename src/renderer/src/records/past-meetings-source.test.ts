import { describe, expect, it, vi } from 'vitest';
import type { MeetingRecordSummary, MeetingRecordView } from '@roundtable/signaling-server/protocol';
import type { RecordsApi } from '@shared/ipc/records';
import { DesktopError } from '@shared/ipc/result';
import type { PastMeetingsSource } from '../components/PastMeetings';
import { allHostedSecrets, rememberHosted } from './hosted';
import { desktopPastMeetings } from './past-meetings-source';

const secret = (n: number): string => `secret-${n}-${'x'.repeat(24)}`;
const summary = (id: string, startedAt: number): MeetingRecordSummary => ({ id, code: `code-${id}`, startedAt, endedAt: startedAt + 60_000, people: 2 });
const view = (id: string): MeetingRecordView => ({ id, code: `code-${id}`, startedAt: 0, endedAt: 1, keepUntil: 2, filesShared: 0, people: [] });

/** localStorage as far as the records use it. */
function storage(): Pick<Storage, 'getItem' | 'setItem' | 'key' | 'length'> {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

/** Main's records channels over a store of its own; `hosting`: main leaves them to the running server. */
function mainProcess(records: MeetingRecordSummary[]) {
  const state = { hosting: false, asked: [] as string[][] };
  const refuseWhileHosting = (): void => {
    if (state.hosting) throw new DesktopError('unavailable', 'hosting');
  };
  const api: RecordsApi = {
    list: vi.fn(async (secrets: string[]) => {
      state.asked.push(secrets);
      refuseWhileHosting();
      return records;
    }),
    open: vi.fn(async (id: string) => {
      refuseWhileHosting();
      if (!records.some((r) => r.id === id)) throw new DesktopError('not-found', 'none');
      return view(id);
    }),
    remove: vi.fn(async (id: string) => {
      refuseWhileHosting();
      records.splice(
        records.findIndex((r) => r.id === id),
        1,
      );
    }),
  };
  return { api, state };
}

function remoteServer(records: MeetingRecordSummary[]): PastMeetingsSource {
  return {
    list: vi.fn(async () => records),
    open: vi.fn(async (id: string) => view(id)),
    remove: vi.fn(async () => undefined),
  };
}

describe('past meetings on the desktop host’s home screen', () => {
  it('lists what main read from its own store once hosting stopped, with the server’s, newest first', async () => {
    const main = mainProcess([summary('own-old', 1_000), summary('own-new', 3_000)]);
    const server = remoteServer([summary('remote', 2_000), summary('own-new', 3_000)]);
    const source = desktopPastMeetings({ records: main.api, onHostingChange: () => () => undefined }, server, () => [secret(1)]);
    expect((await source.list()).map((m) => m.id)).toEqual(['own-new', 'remote', 'own-old']);
    expect(main.state.asked).toEqual([[secret(1)]]);
    // Each is opened and deleted where it came from.
    expect((await source.open('own-old')).id).toBe('own-old');
    expect(main.api.open).toHaveBeenCalledWith('own-old', [secret(1)]);
    await source.open('remote');
    expect(server.open).toHaveBeenCalledWith('remote');
    await source.remove('own-old');
    expect(main.api.remove).toHaveBeenCalledWith('own-old', [secret(1)]);
    expect((await source.list()).map((m) => m.id)).toEqual(['own-new', 'remote']);
  });

  it('while hosting (main leaves the store to the running server), lists the server’s; when the server is gone, main’s', async () => {
    const main = mainProcess([summary('hosted', 1_000)]);
    main.state.hosting = true;
    const serverRecords = [summary('hosted', 1_000)];
    const server = remoteServer(serverRecords);
    const source = desktopPastMeetings({ records: main.api, onHostingChange: () => () => undefined }, server, () => [secret(1)]);
    expect((await source.list()).map((m) => m.id)).toEqual(['hosted']);
    await source.open('hosted');
    expect(server.open).toHaveBeenCalledWith('hosted');
    // Hosting stops: the built-in server no longer answers, main's store does.
    main.state.hosting = false;
    vi.mocked(server.list).mockRejectedValue(new Error('connection refused'));
    expect((await source.list()).map((m) => m.id)).toEqual(['hosted']);
    await source.open('hosted');
    expect(main.api.open).toHaveBeenCalledWith('hosted', [secret(1)]);
  });

  it('passes on word of hosting starting or stopping, so the list is read again', () => {
    const listeners: Array<() => void> = [];
    const source = desktopPastMeetings(
      { records: mainProcess([]).api, onHostingChange: (listener) => (listeners.push(listener), () => undefined) },
      remoteServer([]),
      () => [],
    );
    const refresh = vi.fn();
    source.changes?.(refresh);
    listeners.forEach((l) => l());
    expect(refresh).toHaveBeenCalledOnce();
  });

  it('asks main with every secret kept for any server, each once, at most 64', () => {
    const store = storage();
    store.setItem('roundtable.lastServer', 'https://x');
    rememberHosted(store, 'https://127.0.0.1:8443', secret(1));
    rememberHosted(store, 'https://127.0.0.1:8443', secret(2));
    rememberHosted(store, 'https://192.168.1.20:8443', secret(1));
    rememberHosted(store, 'https://192.168.1.20:8443', secret(3));
    expect(allHostedSecrets(store).sort()).toEqual([secret(1), secret(2), secret(3)]);
    for (let n = 10; n < 120; n += 1) rememberHosted(store, `https://host-${n}`, secret(n));
    expect(allHostedSecrets(store)).toHaveLength(64);
  });
});

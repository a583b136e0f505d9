import type { MeetingRecordSummary } from '@roundtable/signaling-server/protocol';
import type { RecordsApi } from '@shared/ipc/records';
import type { PastMeetingsSource } from '../components/PastMeetings';
import { SignalingClient } from '../call/signaling-client';
import { getDesktop } from '../platform/platform';
import { allHostedSecrets, hostedSecrets } from './hosted';

type SecretStorage = Pick<Storage, 'getItem' | 'setItem' | 'key' | 'length'>;

/**
 * The meetings we hosted on `server`, asked of that server with the secrets we kept for them
 * (records/hosted.ts); a connection of its own, opened for the asking and closed after.
 */
export function serverPastMeetings(server: string, store: Pick<Storage, 'getItem' | 'setItem'>): PastMeetingsSource {
  const ask = async <T>(work: (client: SignalingClient, secrets: string[]) => Promise<T>): Promise<T> => {
    const secrets = hostedSecrets(store, server);
    if (secrets.length === 0) throw new Error('no meetings hosted here');
    const client = new SignalingClient(server);
    try {
      await client.whenConnected();
      return await work(client, secrets);
    } finally {
      client.close();
    }
  };
  return {
    list: () => ask(async (client, secrets) => (await client.request('meeting-records', { secrets })).meetings).catch(() => []),
    open: (id) => ask(async (client, secrets) => (await client.request('meeting-record', { id, secrets })).record),
    remove: (id) => ask(async (client, secrets) => void (await client.request('delete-meeting-record', { id, secrets }))),
  };
}

/** What the desktop source needs of `window.desktop`: its records, and word of hosting starting or stopping. */
export interface DesktopRecords {
  records: RecordsApi;
  /** Calls back when hosting starts or stops (the records move between the running server and main's store). */
  onHostingChange: (listener: () => void) => () => void;
}

/**
 * The desktop host's past meetings: those main reads from its own hosting store (the built-in
 * server's records, there when it no longer runs), and those the server last used has (a remote
 * server, or the built-in one while it runs), newest first, each opened and deleted where it came
 * from. Either side failing leaves the other's.
 */
export function desktopPastMeetings(desktop: DesktopRecords, server: PastMeetingsSource, secrets: () => string[]): PastMeetingsSource {
  let own = new Set<string>();
  return {
    list: async () => {
      const [mine, remote] = await Promise.all([desktop.records.list(secrets()).catch((): MeetingRecordSummary[] => []), server.list().catch(() => [])]);
      own = new Set(mine.map((m) => m.id));
      return [...mine, ...remote.filter((m) => !own.has(m.id))].sort((a, b) => b.startedAt - a.startedAt);
    },
    open: (id) => (own.has(id) ? desktop.records.open(id, secrets()) : server.open(id)),
    remove: (id) => (own.has(id) ? desktop.records.remove(id, secrets()) : server.remove(id)),
    changes: desktop.onHostingChange,
  };
}

/** Past meetings for the home screen: the desktop's own store too when the desktop offers it, else the server's alone. */
export function pastMeetingsOn(server: string, store: SecretStorage): PastMeetingsSource {
  const fromServer = serverPastMeetings(server, store);
  const desktop = getDesktop();
  if (!desktop?.records) return fromServer;
  const onHostingChange = (listener: () => void): (() => void) => {
    let state: string | null = null;
    return desktop.on('hosting:status', (status) => {
      if (status.state !== state) listener();
      state = status.state;
    });
  };
  return desktopPastMeetings({ records: desktop.records, onHostingChange }, fromServer, () => allHostedSecrets(store));
}

import type { PastMeetingsSource } from '../components/PastMeetings';
import { SignalingClient } from '../call/signaling-client';
import { hostedSecrets } from './hosted';

/**
 * The meetings we hosted on `server`, asked of that server with the secrets we kept for them
 * (records/hosted.ts); a connection of its own, opened for the asking and closed after.
 */
export function pastMeetingsOn(server: string, store: Pick<Storage, 'getItem' | 'setItem'>): PastMeetingsSource {
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

import { RECORD_LIMITS, type MeetingRecordSummary, type MeetingRecordView } from '../protocol/index.js';
import { participantIdFromSecret } from '../rooms/identity.js';
import type { RecordStore } from '../store/store.js';
import { toSummary, toView } from './journal.js';

/**
 * Meeting records read straight from a server's store while no server runs on it: the desktop app
 * reads its own hosting store (chat.db) this way once it stops hosting. The rule is the server's
 * (records/handlers.ts): a record is given only to whoever shows the secret of an identity that
 * hosted its meeting; any other id reads as none.
 */
export interface StoredRecords {
  list(secrets: readonly string[]): Promise<MeetingRecordSummary[]>;
  get(id: string, secrets: readonly string[]): Promise<MeetingRecordView | null>;
  /** Deletes one, if these secrets own it: false when they do not (or it does not exist). */
  delete(id: string, secrets: readonly string[]): Promise<boolean>;
}

export function storedRecords(store: RecordStore): StoredRecords {
  const ids = (secrets: readonly string[]): string[] => secrets.map(participantIdFromSecret);
  const owned = async (id: string, secrets: readonly string[]) => {
    const log = await store.get(id);
    const mine = ids(secrets);
    return log && log.hostIds.some((host) => mine.includes(host)) ? log : null;
  };
  return {
    async list(secrets) {
      if (secrets.length === 0) return [];
      return (await store.byHost(ids(secrets), RECORD_LIMITS.maxListed)).map(toSummary);
    },
    async get(id, secrets) {
      const log = await owned(id, secrets);
      return log ? toView(log) : null;
    },
    async delete(id, secrets) {
      if (!(await owned(id, secrets))) return false;
      await store.delete(id);
      return true;
    },
  };
}

import { z } from 'zod';
import { MeetingRecordSchema, MeetingRecordSummarySchema, RecordIdSchema } from '@roundtable/signaling-server/protocol';
import { invoke, type SectionApi } from './contract';

/** The participant secrets of meetings this person hosted (the renderer keeps them): main derives the host ids from them. */
export const HostSecretsSchema = z.array(z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'not a secret')).max(64);

/**
 * `window.desktop.records`: the records of meetings this person hosted on the desktop's own
 * server, read by main from the hosting service's store (chat.db) while it does not host (while it
 * hosts, the running server answers: the renderer asks it as any host does). Only records one of
 * the secrets' identities hosted; any other id reads as `not-found`.
 */
export const RECORDS_CHANNELS = {
  list: invoke('records:list', { args: [HostSecretsSchema], result: z.array(MeetingRecordSummarySchema) }),
  open: invoke('records:open', { args: [RecordIdSchema, HostSecretsSchema], result: MeetingRecordSchema }),
  remove: invoke('records:remove', { args: [RecordIdSchema, HostSecretsSchema], result: z.void() }),
};

export type RecordsApi = SectionApi<typeof RECORDS_CHANNELS>;

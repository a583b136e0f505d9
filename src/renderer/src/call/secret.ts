import { randomToken } from './ids';

type SecretStore = Pick<Storage, 'getItem' | 'setItem'>;

/** Where a meeting's secret is kept: one per server and meeting code. */
export const secretKey = (server: string, room: string): string => `roundtable.secret:${server}:${room}`;

/**
 * The secret our participant id is derived from: the one kept for good (a meeting we host whose
 * chat is kept) or for this tab (a reload keeps its identity), or a new one, kept for this tab.
 */
export function loadSecret(stores: { secretStore?: SecretStore; keptSecretStore?: SecretStore }, server: string, room: string): string {
  const key = secretKey(server, room);
  const saved = stores.keptSecretStore?.getItem(key) ?? stores.secretStore?.getItem(key);
  if (saved && /^[A-Za-z0-9_-]{22,128}$/.test(saved)) return saved;
  const secret = randomToken(24);
  stores.secretStore?.setItem(key, secret);
  return secret;
}

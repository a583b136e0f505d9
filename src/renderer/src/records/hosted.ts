/**
 * The participant secrets of meetings we hosted, per server, kept for good (localStorage) so that
 * the home screen can ask that server for their records later: the server gives a record only to
 * whoever shows the secret of an identity that hosted it. At most MAX per server, newest first.
 */
type SecretStore = Pick<Storage, 'getItem' | 'setItem'>;

const MAX = 50;
const keyOf = (server: string): string => `roundtable.hosted:${server}`;
const SECRET = /^[A-Za-z0-9_-]{22,128}$/;

export function hostedSecrets(store: SecretStore, server: string): string[] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(keyOf(server)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string' && SECRET.test(s)).slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberHosted(store: SecretStore, server: string, secret: string): void {
  const known = hostedSecrets(store, server);
  if (known[0] === secret) return;
  store.setItem(keyOf(server), JSON.stringify([secret, ...known.filter((s) => s !== secret)].slice(0, MAX)));
}

/** Every secret we kept, on any server (newest first per server), at most `limit`: what main's own store is asked with. */
export function allHostedSecrets(store: Pick<Storage, 'getItem' | 'key' | 'length'>, limit = 64): string[] {
  const servers: string[] = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (key?.startsWith('roundtable.hosted:')) servers.push(key.slice('roundtable.hosted:'.length));
  }
  const all = servers.flatMap((server) => hostedSecrets({ getItem: (k) => store.getItem(k), setItem: () => undefined }, server));
  return [...new Set(all)].slice(0, limit);
}

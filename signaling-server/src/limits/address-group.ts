import { isIP } from 'node:net';

/**
 * The network a client is counted as by every per-address limit. An IPv4 address is itself (one
 * home or office behind NAT is one address already); an IPv4 address written as IPv6
 * (`::ffff:192.0.2.1`, how a dual-stack socket reports it) is that IPv4 address; an IPv6 address
 * is its /64, because one host is handed a whole /64 and may pick any of its 2^64 addresses, so
 * counting single IPv6 addresses would give one machine unlimited tries. Anything that is not an
 * address comes back lower-cased, unchanged.
 */
export function addressGroup(address: string): string {
  const bare = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  const withoutZone = bare.split('%')[0] ?? bare;
  const family = isIP(withoutZone);
  if (family === 4) return withoutZone;
  if (family !== 6) return bare;
  const words = ipv6Words(withoutZone);
  if (!words) return withoutZone;
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    const [high = 0, low = 0] = words.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${words
    .slice(0, 4)
    .map((w) => w.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit words of an IPv6 address (already checked by `isIP`), an IPv4 tail included. */
function ipv6Words(address: string): number[] | null {
  let text = address;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return null;
  const words = [...left, ...Array<number>(missing).fill(0), ...right];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

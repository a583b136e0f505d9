import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/**
 * The addresses other people on the network can reach this machine at: IPv4, not loopback, not
 * link-local (169.254/16, which a machine picks when nothing gave it an address). Sorted so the
 * usual home and office ranges come first.
 */
export function lanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const found = new Set<string>();
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal || info.address.startsWith('169.254.')) continue;
      found.add(info.address);
    }
  }
  return [...found].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
}

function rank(address: string): number {
  if (address.startsWith('192.168.')) return 0;
  if (address.startsWith('10.')) return 1;
  if (/^172\.(1[6-9]|2\d|3[01])\./.test(address)) return 2;
  return 3;
}

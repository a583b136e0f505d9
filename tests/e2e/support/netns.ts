import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, chromiumBehind } from './chromium';

/**
 * A little LAN made of network namespaces: a bridge in the root namespace (the "switch", where the
 * meeting server listens) and one namespace per participant machine, each plugged into the bridge
 * by a veth pair. A participant's Chromium runs inside its namespace, so its only address, its
 * signaling and its WebRTC media all cross its own cable, and `cut()` unplugs that cable at the
 * switch (the root end of the veth goes down) while everyone else stays connected; `lose()` makes
 * the cable drop UDP packets at random instead (nftables).
 *
 * Needs root (ip netns, nft). Names carry a tag (the test's pid by default) so parallel runs and the
 * discovery test do not collide; `destroy()` removes everything and is safe to call twice, and
 * `removeStaleLabs()` cleans up after a run that was killed.
 */
export interface LabMachine {
  ns: string;
  /** Its address on the LAN. */
  ip: string;
  /** The root end of its cable (on the bridge). */
  port: string;
  /**
   * With `{ signalingLink: true }`: the address of the root namespace on a second, private link of
   * this machine's own (a server listening on 0.0.0.0 is reachable there). Nothing else is reachable
   * through it (the root namespace does not forward), so media still goes over the LAN cable, and
   * cutting the cable leaves signaling up.
   */
  signalingGateway: string | null;
  /** A Chromium executable that runs inside this machine's namespace. */
  chromium: string;
  /**
   * Unplugs its cables at the switch: nothing goes in or out until `plug()`, and the machine sees
   * its network go down (no carrier), as when Wi-Fi drops. `'media'` cuts only the LAN, and
   * silently: its cable leaves the switch but keeps its carrier (an access point that stops
   * forwarding), while the private signaling link stays up.
   */
  cut(what?: 'all' | 'media'): void;
  /**
   * Plugs every cable back in; returns when it began (Date.now()), the earliest moment packets
   * pass again. Its three `ip` commands take tens of milliseconds on a busy machine, and a 'media'
   * cut is mended by the first.
   */
  plug(): number;
  /**
   * Makes its LAN cable lose UDP packets at random (WebRTC's media, RTCP and ICE; signaling and the
   * web client are TCP and cross it whole): `sent` percent of what the machine sends, `received`
   * percent of what comes to it; `lose({})` makes it lossless again. A packet is dropped where it
   * comes off the cable (at the switch's port for what the machine sends, at the machine's own
   * port for what it receives), so its sender sees it leave, as on a real lossy link: a drop on the
   * way out would fail the sender's send() instead. Uses nftables (`nft`, Debian's nftables),
   * since kernels without netem (`tc qdisc ... netem`, CONFIG_NET_SCH_NETEM) still filter packets.
   */
  lose(loss: { sent?: number; received?: number }): void;
  /** The UDP packets its cable dropped each way since the last `lose()`. */
  dropped(): { sent: number; received: number };
}

export interface Lab {
  /** The bridge's address: where a server in the root namespace is reachable from every machine. */
  gateway: string;
  machine(name: string, options?: { signalingLink?: boolean }): LabMachine;
  destroy(): void;
}

const PREFIX = 'rtf';
const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
/** Runs `nft` with `script` (its -f syntax), inside network namespace `ns` if given; returns what it printed. */
const nft = (script: string, ns?: string): string =>
  execFileSync(ns ? 'ip' : 'nft', [...(ns ? ['netns', 'exec', ns, 'nft'] : []), '-f', '-'], {
    input: script,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });

function tryNft(script: string): void {
  try {
    nft(script);
  } catch {
    // already gone, or no nft here (then it never made anything)
  }
}

/**
 * The nftables of a lossy cable end: a table of its own holding one chain on `device`'s ingress
 * that drops `percent` of the UDP packets that come in (numgen draws a fresh number per packet).
 */
function lossyIngress(table: string, chain: string, device: string, percent: number): string {
  const perTenThousand = Math.round(Math.min(Math.max(percent, 0), 100) * 100);
  return [
    `table netdev ${table} {}`,
    `delete table netdev ${table}`,
    `table netdev ${table} {`,
    `  chain ${chain} {`,
    `    type filter hook ingress device "${device}" priority 0; policy accept;`,
    `    ip protocol udp numgen random mod 10000 < ${perTenThousand} counter drop`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}

/** The packets the counter of table's only rule has counted (0 when there is no such table). */
function droppedBy(table: string, ns?: string): number {
  try {
    const listed = nft(`list table netdev ${table}\n`, ns);
    return Number(/counter packets (\d+)/.exec(listed)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function tryIp(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // already gone
  }
}

/** `subnet` is the third octet of 10.231.X.0/24; tests and benchmarks use different ones. */
export function createLab(subnet: number, tag = String(process.pid % 100_000)): Lab {
  const bridge = `${PREFIX}b${tag}`;
  const gateway = `10.231.${subnet}.1`;
  const machines: LabMachine[] = [];
  const scripts = mkdtempSync(join(tmpdir(), 'rt-netns-'));
  const destroy = (): void => {
    for (const machine of machines.splice(0)) {
      tryNft(`delete table netdev ${machine.port}\n`); // a lossy switch port's (a namespace's go with it)
      tryIp('netns', 'del', machine.ns); // takes its end of the veth pairs, and so the pairs
      tryIp('link', 'del', machine.port);
      tryIp('link', 'del', `${machine.port}s`);
    }
    tryIp('link', 'del', bridge);
    rmSync(scripts, { recursive: true, force: true });
  };
  // Even when the run dies before afterAll (the next run's removeStaleLabs() catches a SIGKILL).
  process.once('exit', destroy);
  try {
    ip('link', 'add', 'name', bridge, 'type', 'bridge');
    ip('addr', 'add', `${gateway}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    gateway,
    destroy,
    machine(name, options = {}) {
      const n = machines.length + 1;
      const ns = `${PREFIX}-${tag}-${name}`;
      const port = `${PREFIX}${tag}p${n}`;
      const address = `10.231.${subnet}.${10 + n}`;
      try {
        ip('netns', 'add', ns);
        ip('link', 'add', port, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', ns);
        ip('link', 'set', port, 'master', bridge);
        ip('link', 'set', port, 'up');
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'lan0');
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', ns, 'link', 'set', 'lan0', 'up');
        if (options.signalingLink) {
          ip('link', 'add', `${port}s`, 'type', 'veth', 'peer', 'name', 'sig0', 'netns', ns);
          ip('addr', 'add', `${signalingAddress(subnet, n, 1)}/30`, 'dev', `${port}s`);
          ip('link', 'set', `${port}s`, 'up');
          ip('-n', ns, 'addr', 'add', `${signalingAddress(subnet, n, 2)}/30`, 'dev', 'sig0');
          ip('-n', ns, 'link', 'set', 'sig0', 'up');
        }
      } catch (error) {
        tryIp('netns', 'del', ns);
        tryIp('link', 'del', port);
        tryIp('link', 'del', `${port}s`);
        throw error;
      }
      const chromium = chromiumBehind(`ip netns exec ${ns}`, join(scripts, `chromium-${name}`), CHROMIUM);
      const machine: LabMachine = {
        ns,
        ip: address,
        port,
        signalingGateway: options.signalingLink ? signalingAddress(subnet, n, 1) : null,
        chromium,
        cut: (what = 'all') => {
          if (what === 'media') return void ip('link', 'set', port, 'nomaster');
          ip('link', 'set', port, 'down');
          if (options.signalingLink) ip('link', 'set', `${port}s`, 'down');
        },
        plug: () => {
          const at = Date.now();
          ip('link', 'set', port, 'master', bridge);
          ip('link', 'set', port, 'up');
          if (options.signalingLink) ip('link', 'set', `${port}s`, 'up');
          return at;
        },
        // What the machine sends is dropped on the switch's port (a table named after it, in the
        // root namespace), what it receives on its own lan0 (a table in its namespace).
        lose: ({ sent = 0, received = 0 }) => {
          nft(lossyIngress(port, 'lossy', port, sent));
          nft(lossyIngress('lossy', 'lossy', 'lan0', received), ns);
        },
        dropped: () => ({ sent: droppedBy(port), received: droppedBy('lossy', ns) }),
      };
      machines.push(machine);
      return machine;
    },
  };
}

/** Machine n's private signaling link: 10.231.(100 + subnet).(4n + end)/30. */
function signalingAddress(subnet: number, n: number, end: 1 | 2): string {
  return `10.231.${100 + subnet}.${4 * n + end}`;
}

/** Removes labs left behind by runs that were killed before they could clean up. */
export function removeStaleLabs(): void {
  const list = (args: string[]): string => {
    try {
      return execFileSync('ip', args, { encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  // A lab's tag is the pid of the run that made it; ours are never stale-checked (we made none yet).
  const alive = (tag: string): boolean => {
    if (Number(tag) === process.pid % 100_000) return false;
    try {
      process.kill(Number(tag), 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const line of list(['netns', 'list']).split('\n')) {
    const match = new RegExp(`^(${PREFIX}-(\\d+)-\\S+)`).exec(line);
    if (match && !alive(match[2]!)) tryIp('netns', 'del', match[1]!);
  }
  for (const line of list(['-o', 'link', 'show', 'type', 'bridge']).split('\n')) {
    const match = new RegExp(`^\\d+: (${PREFIX}b(\\d+))[:@]`).exec(line);
    if (match && !alive(match[2]!)) tryIp('link', 'del', match[1]!);
  }
  // Lossy switch ports (lose()): a table named after the port, rtf<tag>p<n>.
  let tables = '';
  try {
    tables = execFileSync('nft', ['list', 'tables', 'netdev'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    tables = '';
  }
  for (const line of tables.split('\n')) {
    const match = new RegExp(`^table netdev (${PREFIX}(\\d+)p\\d+)$`).exec(line.trim());
    if (match && !alive(match[2]!)) tryNft(`delete table netdev ${match[1]!}\n`);
  }
}

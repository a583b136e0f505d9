import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredMeeting, HostingStatus } from '@shared/ipc/hosting';
import { PROJECT_ROOT } from './support/paths';

/**
 * DNS-SD across a real network link: two network namespaces (two "machines") joined by a veth
 * pair, made by this test and always removed. One hosts and announces a meeting, the other lists
 * it, checks its certificate across the link, and sees it vanish when hosting stops.
 */
const tag = `${process.pid % 100_000}`;
const HOST_NS = `rt-host-${tag}`;
const GUEST_NS = `rt-guest-${tag}`;
const HOST_IF = `rth${tag}`;
const GUEST_IF = `rtg${tag}`;
const HOST_IP = '10.231.7.1';
const GUEST_IP = '10.231.7.2';

const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const agents: ChildProcess[] = [];
let dataDir: string;

function removeNamespaces(): void {
  for (const ns of [HOST_NS, GUEST_NS]) {
    try {
      ip('netns', 'del', ns); // takes its end of the veth pair, and so the pair, with it
    } catch {
      // not there
    }
  }
}

interface Agent {
  child: ChildProcess;
  /** Resolves with the first line for which `match` returns something. */
  next<T>(match: (line: Record<string, unknown>) => T | undefined, timeoutMs?: number): Promise<T>;
}

/** Runs the discovery agent inside a namespace, as that machine's Roundtable would run. */
function agent(ns: string, args: string[]): Agent {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'src/main/services/hosting/discovery-agent.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  agents.push(child);
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of [...waiters]) wake();
  });
  return {
    child,
    next: (match, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < lines.length; seen++) {
            const found = match(lines[seen]!);
            if (found !== undefined) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(found);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${ns}: nothing matched within ${timeoutMs} ms; it said:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

beforeAll(async () => {
  removeNamespaces();
  try {
    ip('netns', 'add', HOST_NS);
    ip('netns', 'add', GUEST_NS);
    ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', GUEST_IF);
    ip('link', 'set', HOST_IF, 'netns', HOST_NS);
    ip('link', 'set', GUEST_IF, 'netns', GUEST_NS);
    for (const [ns, dev, address] of [
      [HOST_NS, HOST_IF, HOST_IP],
      [GUEST_NS, GUEST_IF, GUEST_IP],
    ] as const) {
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
      // Like a machine on a LAN: the default route (and so multicast) goes out on its one link.
      ip('-n', ns, 'route', 'add', 'default', 'dev', dev);
    }
  } catch (error) {
    removeNamespaces();
    throw error;
  }
  dataDir = await mkdtemp(join(tmpdir(), 'roundtable-discovery-'));
});

afterAll(async () => {
  for (const child of agents) if (child.exitCode === null) child.kill('SIGKILL');
  removeNamespaces();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('finding meetings on the network (DNS-SD across a veth link)', { timeout: 240_000 }, () => {
  it('a meeting hosted on one machine is listed on the other, joinable with its pinned certificate, and vanishes when hosting stops', async () => {
    const guest = agent(GUEST_NS, ['browse', '--verify']);
    await guest.next((l) => (l.event === 'meetings' ? true : undefined));

    const host = agent(HOST_NS, ['host', '--data-dir', dataDir, '--name', "Ada's meeting", '--port', '8443']);
    const status = await host.next((l) => (l.event === 'hosting' ? (l.status as HostingStatus) : undefined));
    if (status.state !== 'hosting') throw new Error('not hosting');
    expect(status.announced).toBe(true);
    expect(status.invite.links.map((link) => link.address)).toEqual([HOST_IP]);

    const found = await guest.next((l) =>
      l.event === 'meetings' ? (l.meetings as DiscoveredMeeting[]).find((m) => m.code === status.invite.code) : undefined,
    );
    expect(found).toMatchObject({
      meetingName: "Ada's meeting",
      code: status.invite.code,
      fingerprint: status.invite.fingerprint,
      compatible: true,
      port: status.port,
      addresses: [HOST_IP],
      url: status.invite.links[0]!.url,
    });

    // The guest machine reaches the host across the link and finds exactly the announced certificate.
    const verified = await guest.next((l) => (l.event === 'verified' && l.url === found.url ? l : undefined));
    expect(verified).toMatchObject({ ok: true });

    host.child.stdin!.write('stop\n');
    await host.next((l) => (l.event === 'stopped' ? true : undefined));
    const after = await guest.next((l) =>
      l.event === 'meetings' && !(l.meetings as DiscoveredMeeting[]).some((m) => m.code === status.invite.code) ? l : undefined,
    );
    expect(after.meetings).toEqual([]);
  });
});

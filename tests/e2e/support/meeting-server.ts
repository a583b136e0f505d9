import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  childLauncher,
  consoleLogger,
  createSignalingServer,
  createWebClientHandler,
  startSfu,
  type RunningSfu,
  type SignalingOptions,
  type SignalingServer,
} from '@roundtable/signaling-server';
import { WEB_ROOT } from './paths';

export interface MeetingServer {
  url: string;
  port: number;
  http: Server;
  signaling: SignalingServer;
  /** The SFU process, when the server was started with one. */
  sfu: RunningSfu | null;
  close(): Promise<void>;
}

/**
 * How long a test server waits for a client's heartbeat unless a test says (the product waits
 * DEFAULT_PING_TIMEOUT_MS, 5 s): on a two-core machine running three to five browsers, a page can
 * stall for longer than that, and a drop it did not cause sets off a reconnection and a rejoin in
 * the middle of what the test watches. The tests of how fast a vanished participant is seen to
 * go (faults-departure, faults-network) set the product's values or shorter ones.
 */
export const TEST_PING_TIMEOUT_MS = 15_000;

/**
 * The real signaling server with the real web client, on an ephemeral loopback port; with `sfu`,
 * the real SFU process too (on loopback), which meetings move to from `options.sfuFrom` people.
 */
export async function startMeetingServer(options: SignalingOptions = {}, port = 0, extras: { sfu?: boolean } = {}): Promise<MeetingServer> {
  const handler = createWebClientHandler(WEB_ROOT);
  const http = createServer((req, res) => void handler(req, res));
  const sfu = extras.sfu ? await startSfu(childLauncher, { bindAddress: '127.0.0.1' }, process.env.SERVER_LOG ? consoleLogger : undefined) : null;
  const signaling = createSignalingServer(
    http,
    { ...(sfu ? { sfu } : {}), ...(process.env.SERVER_LOG ? { log: consoleLogger } : {}) },
    { pingTimeoutMs: TEST_PING_TIMEOUT_MS, ...options },
  );
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const actual = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    http,
    signaling,
    sfu,
    close: async () => {
      await signaling.close();
      await sfu?.stop();
    },
  };
}

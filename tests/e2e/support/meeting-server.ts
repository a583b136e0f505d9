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
 * The real signaling server with the real web client, on an ephemeral loopback port; with `sfu`,
 * the real SFU process too (on loopback), which meetings move to from `options.sfuFrom` people.
 */
export async function startMeetingServer(options: SignalingOptions = {}, port = 0, extras: { sfu?: boolean } = {}): Promise<MeetingServer> {
  const handler = createWebClientHandler(WEB_ROOT);
  const http = createServer((req, res) => void handler(req, res));
  const sfu = extras.sfu ? await startSfu(childLauncher, { bindAddress: '127.0.0.1' }, process.env.SERVER_LOG ? consoleLogger : undefined) : null;
  const signaling = createSignalingServer(http, { ...(sfu ? { sfu } : {}), ...(process.env.SERVER_LOG ? { log: consoleLogger } : {}) }, options);
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

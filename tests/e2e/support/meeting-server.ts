import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSignalingServer, createWebClientHandler, type SignalingOptions, type SignalingServer } from '@roundtable/signaling-server';
import { WEB_ROOT } from './paths';

export interface MeetingServer {
  url: string;
  port: number;
  http: Server;
  signaling: SignalingServer;
  close(): Promise<void>;
}

/** The real signaling server with the real web client, on an ephemeral loopback port. */
export async function startMeetingServer(options: SignalingOptions = {}, port = 0): Promise<MeetingServer> {
  const handler = createWebClientHandler(WEB_ROOT);
  const http = createServer((req, res) => void handler(req, res));
  const signaling = createSignalingServer(http, {}, options);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const actual = (http.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${actual}`, port: actual, http, signaling, close: () => signaling.close() };
}

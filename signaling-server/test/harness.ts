import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { createSignalingServer, type SignalingDeps, type SignalingOptions, type SignalingServer } from '../src/app.js';
import { createWebClientHandler } from '../src/http/web-client.js';
import { PROTOCOL_VERSION, type JoinRequest } from '../src/protocol/index.js';

export interface TestServer {
  url: string;
  http: HttpServer;
  signaling: SignalingServer;
  close(): Promise<void>;
}

export async function startServer(options: SignalingOptions = {}, webRoot?: string, deps: SignalingDeps = {}): Promise<TestServer> {
  const handler = createWebClientHandler(webRoot);
  const http = createServer((req, res) => void handler(req, res));
  const signaling = createSignalingServer(http, deps, options);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, http, signaling, close: () => signaling.close() };
}

const clients: Socket[] = [];

/** What a client's connection claims: an address (X-Forwarded-For, heeded only with `trustProxy`), a browser origin, a Host. */
export interface ClientHeaders {
  address?: string;
  origin?: string;
  host?: string;
}

export async function connectClient(url: string, headers: ClientHeaders = {}): Promise<Socket> {
  const extraHeaders: Record<string, string> = {
    ...(headers.address ? { 'x-forwarded-for': headers.address } : {}),
    ...(headers.origin ? { origin: headers.origin } : {}),
    ...(headers.host ? { host: headers.host } : {}),
  };
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders });
  clients.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

export function closeClients(): void {
  for (const socket of clients.splice(0)) socket.disconnect();
}

export interface Reply {
  ok: boolean;
  error?: { code: string; message: string };
  [key: string]: unknown;
}

export function request(socket: Socket, event: string, ...args: unknown[]): Promise<Reply> {
  return socket.timeout(3000).emitWithAck(event, ...args) as Promise<Reply>;
}

let counter = 0;
export function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  counter += 1;
  return {
    protocol: PROTOCOL_VERSION,
    room: 'standup',
    name: `Person ${counter}`,
    secret: `secret-${counter}-${'x'.repeat(24)}`,
    session: `session-${counter}`,
    media: { audio: true, video: true },
    // Start the meeting if nobody runs it (the app's "New meeting"); tests of waiting for one say otherwise.
    create: {},
    ...overrides,
  };
}

export async function joined(
  url: string,
  overrides: Partial<JoinRequest> = {},
  headers: ClientHeaders = {},
): Promise<{ socket: Socket; id: string; reply: Reply }> {
  const socket = await connectClient(url, headers);
  const reply = await request(socket, 'join', joinRequest(overrides));
  if (!reply.ok) throw new Error(`join failed: ${JSON.stringify(reply.error)}`);
  return { socket, id: (reply.self as { id: string }).id, reply };
}

/** Resolves with the next `event` on `socket`, or rejects after `ms`. */
export function nextEvent<T = unknown>(socket: Socket, event: string, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no "${event}" within ${ms} ms`));
    }, ms);
    const on = (payload: T): void => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, on);
  });
}

/** Collects every `event` the socket receives, for asserting that something did NOT arrive. */
export function record<T = unknown>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

export const settle = (ms = 150): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

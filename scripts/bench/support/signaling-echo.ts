/**
 * The reference of bench:signaling: a bare Socket.IO server in a process of its own that
 * acknowledges every `echo` at once, with Roundtable's transport settings (WebSocket clients,
 * a ping every 3 s, 5 s to answer it) and nothing else. Prints "listening on 127.0.0.1:<port>".
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, pingInterval: 3000, pingTimeout: 5000, maxHttpBufferSize: 128 * 1024 });
io.on('connection', (socket) => socket.on('echo', (_payload: unknown, ack: (reply: { ok: true }) => void) => ack({ ok: true })));
http.listen(0, '127.0.0.1', () => process.stdout.write(`echo server listening on 127.0.0.1:${(http.address() as AddressInfo).port}\n`));
const stop = (): void => void io.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

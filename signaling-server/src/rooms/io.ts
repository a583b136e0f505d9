import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/index.js';

/** The server's Socket.IO, typed both ways by the protocol (requests are also checked one by one on arrival). */
export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents>;
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

import type { ServerToClientEvents } from '../protocol/index.js';
import type { SignalingIo } from './io.js';

type Emit = <E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>) => unknown;

/**
 * What the meeting's handlers do with a participant's connection: the connection itself when it is
 * on this server, or a stand-in that reaches it through the Socket.IO adapter when it is on
 * another node of a cluster (the meeting's state lives on one node; its people may be on any).
 */
export interface MemberSocket {
  readonly id: string;
  emit: Emit;
  join(room: string): unknown;
  leave(room: string): unknown;
  /** Everyone in `room` but this connection. */
  to(room: string): { emit: Emit };
  disconnect(close?: boolean): unknown;
}

/** A connection on another node, reached through the adapter (io.to(id), io.in(id) …). */
export class RemoteSocket implements MemberSocket {
  constructor(
    readonly id: string,
    private readonly io: SignalingIo,
    /** The node the connection is on. */
    readonly node: string,
  ) {}

  emit: Emit = (event, ...args) => this.io.to(this.id).emit(event, ...args);

  join(room: string): void {
    this.io.in(this.id).socketsJoin(room);
  }

  leave(room: string): void {
    this.io.in(this.id).socketsLeave(room);
  }

  to(room: string): { emit: Emit } {
    const others = this.io.to(room).except(this.id);
    return { emit: (event, ...args) => others.emit(event, ...args) };
  }

  disconnect(close = false): void {
    this.io.in(this.id).disconnectSockets(close);
  }
}

import type { Logger } from '../logger.js';
import { fail, type Route, type Routes } from '../rooms/dispatch.js';
import type { RoomContext, ServerState } from '../rooms/context.js';
import { leaveRoom } from '../rooms/handlers.js';
import { startGrace } from '../rooms/lifecycle.js';
import { RemoteSocket } from '../rooms/member-socket.js';
import type { Result, ParticipantLeft } from '../protocol/index.js';
import type { Cluster, ClusterRequest } from './cluster.js';

type AnyRoute = Route<RoomContext>;
type Handle = (data: never, ctx: RoomContext) => Result<object> | Promise<Result<object>>;

/** How long a member connected to a node that died keeps their place before they count as gone. */
const ORPHAN_GRACE_MS = 5000;
const ORPHAN_CHECK_MS = 1000;

/**
 * Runs every meeting on the node that owns it. A request from a connection on this node goes to
 * its meeting's owner: handled here when that is this node, handed over otherwise (and the reply
 * comes back the same way). Requests handed to this node run with a stand-in for the connection
 * (RemoteSocket). A meeting whose owner died is taken over from the store and the cluster's record
 * of who is in it; members whose node died keep their place for a while, since they reconnect
 * elsewhere and join again as themselves.
 */
export class MeetingRouter {
  /** Which meeting each connection on this node is in (or waiting for). */
  private readonly meetingOf = new Map<string, string>();
  private readonly remotes = new Map<string, RemoteSocket>();
  private readonly orphans = new Map<string, number>();
  private orphanTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly state: ServerState,
    private readonly cluster: Cluster,
    private readonly routes: Routes<RoomContext>,
    private readonly log: Logger,
  ) {
    cluster.serve((request) => this.serve(request));
    cluster.onReconnect(() => this.reassert());
    if (cluster.clustered) {
      this.orphanTimer = setInterval(() => void this.dropOrphans(), ORPHAN_CHECK_MS);
      this.orphanTimer.unref?.();
    }
  }

  /** A connection on another node, as the meeting's handlers use it. */
  remote(socketId: string, node: string): RemoteSocket {
    let socket = this.remotes.get(socketId);
    if (!socket || (socket.node === 'unknown' && node !== 'unknown')) this.remotes.set(socketId, (socket = new RemoteSocket(socketId, this.state.io, node)));
    return socket;
  }

  /** The node of a connection this node has seen through another (for a member's record). */
  knownNode(socketId: string): string | undefined {
    return this.remotes.get(socketId)?.node;
  }

  /** The routes, each going to its meeting's owner. */
  routed(): Routes<RoomContext> {
    if (!this.cluster.clustered) return this.routes;
    const routed: Routes<RoomContext> = {};
    for (const [event, route] of Object.entries(this.routes) as Array<[keyof Routes<RoomContext>, AnyRoute]>) {
      const handle: Handle = (data, ctx) => this.toOwner(String(event), route, data, ctx);
      routed[event] = { schema: route.schema, handle };
    }
    return routed;
  }

  private async toOwner(event: string, route: AnyRoute, data: never, ctx: RoomContext): Promise<Result<object>> {
    const code = event === 'join' ? (data as { room: string }).room : this.meetingOf.get(ctx.socket.id);
    if (code === undefined) return route.handle(data, ctx);
    let reply: Result<object>;
    for (let attempt = 0; ; attempt += 1) {
      const owner = await this.ownerOf(code);
      if (owner === this.cluster.nodeId) {
        reply = await route.handle(data, ctx);
        break;
      }
      try {
        reply = await this.cluster.call(owner, { kind: 'event', event, payload: data, socketId: ctx.socket.id, address: ctx.address });
        break;
      } catch (error) {
        // The owner died as we asked: the next look finds it gone and takes the meeting over.
        if (attempt >= 2) return fail('busy', `the node running this meeting did not answer: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 600));
      }
    }
    if (event === 'join' && reply.ok) this.meetingOf.set(ctx.socket.id, code);
    if (event === 'leave' && reply.ok) this.meetingOf.delete(ctx.socket.id);
    return reply;
  }

  /** A connection on this node closed: its meeting's owner takes them out (or keeps their place, for a host). */
  async disconnected(ctx: RoomContext, reason: ParticipantLeft['reason']): Promise<void> {
    const code = this.meetingOf.get(ctx.socket.id);
    this.meetingOf.delete(ctx.socket.id);
    if (!this.cluster.clustered || code === undefined) {
      leaveRoom(ctx, reason);
      return;
    }
    const owner = await this.ownerOf(code).catch(() => null);
    if (owner === this.cluster.nodeId) leaveRoom(ctx, reason);
    else if (owner) {
      await this.cluster
        .call(owner, { kind: 'disconnect', socketId: ctx.socket.id, address: ctx.address, reason: reason === 'timed-out' ? 'timed-out' : 'disconnected' })
        .catch((error: unknown) => this.log.warn(`could not tell the owner of a meeting that someone left: ${(error as Error).message}`));
    }
  }

  /** A request another node handed over: run it here, with a stand-in for the connection. */
  private async serve(request: ClusterRequest & { from: string }): Promise<Result<object>> {
    const socket = this.remote(request.socketId, request.from);
    const ctx = this.contextFor(socket, request.address);
    if (request.kind === 'disconnect') {
      leaveRoom(ctx, request.reason);
      this.remotes.delete(request.socketId);
      return { ok: true };
    }
    const route = Object.hasOwn(this.routes, request.event) ? this.routes[request.event as keyof Routes<RoomContext>] : undefined;
    if (!route) return fail('unknown-event', `unknown event "${request.event}"`);
    const parsed = route.schema.safeParse(request.payload);
    if (!parsed.success) return fail('invalid-payload', `"${request.event}" did not match its schema`);
    // The meeting may have moved here (its owner died), or away (this node lost it): look again.
    const code = request.event === 'join' ? (parsed.data as { room: string }).room : undefined;
    if (code !== undefined) await this.ownerOf(code);
    return route.handle(parsed.data as never, ctx);
  }

  private contextFor(socket: RemoteSocket, address: string): RoomContext {
    const ctx: RoomContext = { ...this.state, socket, address, protocolError: (event, error) => socket.emit('protocol-error', { event, error }) };
    Object.defineProperties(ctx, { closing: { get: () => this.state.closing }, ready: { get: () => this.state.ready } });
    return ctx;
  }

  /** The node running `code`, taking the meeting over first when this node just inherited it. */
  private async ownerOf(code: string): Promise<string> {
    const { node, tookOver } = await this.cluster.ownerOf(code);
    if (tookOver) await this.takeOver(code);
    return node;
  }

  /**
   * This node now runs `code`, whose node died: the meeting comes back from the store with its rules
   * and host, and the people still connected (to nodes that live) stay in it as they were.
   */
  private async takeOver(code: string): Promise<void> {
    const { state } = this;
    if (state.meetings.get(code)) return;
    const record = (await state.store.loadMeetings()).find((r) => r.code === code && r.state === 'live');
    if (!record) return;
    const meeting = state.meetings.restore(record, await state.store.chatUsage(record.instance));
    for (const member of await this.cluster.members(code)) {
      if (!(await this.cluster.isAlive(member.node))) continue;
      const { node, ...rest } = member;
      state.registry.join({ ...rest, host: meeting.hostId === rest.id });
      this.remote(rest.socketId, node).join(code);
    }
    // The host may have been on the node that died: they have the usual grace to come back.
    if (!meeting.hostId || !state.registry.member(code, meeting.hostId)) startGrace(state, meeting, state.restartGraceMs);
    this.log.info(`took over meeting ${record.instance} from a node that stopped`);
  }

  /** Members on nodes that died: gone once ORPHAN_GRACE_MS passed without them joining again. */
  private async dropOrphans(): Promise<void> {
    const { state } = this;
    const alive = new Map<string, boolean>();
    const now = state.now();
    for (const meeting of state.meetings.all()) {
      for (const member of state.registry.members(meeting.code)) {
        const socket = this.remotes.get(member.socketId);
        if (!socket) continue;
        if (!alive.has(socket.node)) alive.set(socket.node, await this.cluster.isAlive(socket.node).catch(() => true));
        if (alive.get(socket.node)) {
          this.orphans.delete(member.socketId);
          continue;
        }
        const since = this.orphans.get(member.socketId) ?? now;
        this.orphans.set(member.socketId, since);
        if (now - since < ORPHAN_GRACE_MS) continue;
        this.orphans.delete(member.socketId);
        leaveRoom(this.contextFor(socket, 'unknown'), 'timed-out');
        this.remotes.delete(member.socketId);
      }
    }
  }

  /** Redis came back empty: this node says again which meetings it runs and who is in them. */
  private reassert(): void {
    for (const meeting of this.state.meetings.all()) {
      void this.cluster.ownerOf(meeting.code).catch(() => undefined);
      for (const member of this.state.registry.members(meeting.code)) {
        this.cluster.saveMember(meeting.code, { ...member, node: this.remotes.get(member.socketId)?.node ?? this.cluster.nodeId });
      }
    }
  }

  close(): void {
    clearInterval(this.orphanTimer);
  }
}

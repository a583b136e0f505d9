import type { Logger } from '../logger.js';
import { fail, type Route, type Routes } from '../rooms/dispatch.js';
import type { RoomContext, ServerState } from '../rooms/context.js';
import { leaveRoom } from '../rooms/handlers.js';
import { startGrace } from '../rooms/lifecycle.js';
import type { Meeting, Waiter } from '../rooms/meetings.js';
import { RemoteSocket } from '../rooms/member-socket.js';
import type { Member } from '../rooms/registry.js';
import type { Result, ParticipantLeft } from '../protocol/index.js';
import { NodeGone, type Cluster, type ClusterReply, type ClusterRequest } from './cluster.js';

type AnyRoute = Route<RoomContext>;
type Handle = (data: never, ctx: RoomContext) => Result<object> | Promise<Result<object>>;

/** How long a member connected to a node that died keeps their place before they count as gone. */
const ORPHAN_GRACE_MS = 5000;
const ORPHAN_CHECK_MS = 1000;
/** How often a request goes round again when the meeting moved, or its node did not answer. */
const ATTEMPTS = 4;

const MOVED: ClusterReply = { moved: true };
const isMoved = (reply: ClusterReply): reply is { moved: true } => 'moved' in reply;

/**
 * Runs every meeting on the node that owns it. A request from a connection on this node goes to
 * its meeting's owner: handled here when that is this node, handed over otherwise (and the reply
 * comes back the same way). Requests handed to this node run with a stand-in for the connection
 * (RemoteSocket), and only while this node still owns the meeting (else: `moved`, and the asking
 * node asks the new owner).
 *
 * A meeting whose owner's lease ran out is taken over by the next node asked for it: from the store
 * (rules, host, people let in) and the cluster's record (who is in it and how, who waits). Everyone
 * recorded stays in it: a member whose node really died keeps their place for ORPHAN_GRACE_MS (they
 * reconnect elsewhere and join again as themselves), one whose node was only out of touch simply
 * goes on. The node that lost the meeting finds out as soon as it is back in touch (its lease had
 * lapsed), drops its stale copy without telling anyone, and makes those of its connections the new
 * owner does not have join again.
 */
export class MeetingRouter {
  /** Which meeting each connection on this node is in (or waiting for). */
  private readonly meetingOf = new Map<string, string>();
  private readonly remotes = new Map<string, RemoteSocket>();
  private readonly orphans = new Map<string, number>();
  /** Meetings being taken over here: requests for them wait until they are back. */
  private readonly inheriting = new Map<string, Promise<void>>();
  private orphanTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly state: ServerState,
    private readonly cluster: Cluster,
    private readonly routes: Routes<RoomContext>,
    private readonly log: Logger,
  ) {
    cluster.serve((request) => this.serve(request));
    cluster.onResume(() => this.resume());
    if (cluster.clustered) {
      this.orphanTimer = setInterval(() => void this.dropOrphans(), ORPHAN_CHECK_MS);
      this.orphanTimer.unref?.();
      // Everything the owner changes about a person after they joined, and who waits, is saved as
      // it changes: a node taking the meeting over finds it as it was.
      state.broadcast.watch((member) => this.saveMember(member));
      state.meetings.watch({
        waiterAdded: (meeting, waiter) => cluster.saveWaiter(meeting.code, { ...waiter, node: state.nodeOf(waiter.socketId) }),
        waiterRemoved: (meeting, id) => cluster.dropWaiter(meeting.code, id),
      });
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
    let reply: Result<object> | undefined;
    for (let attempt = 0; reply === undefined; attempt += 1) {
      const owner = await this.ownerOf(code);
      if (owner === this.cluster.nodeId) {
        reply = await route.handle(data, ctx);
        break;
      }
      try {
        const answer = await this.cluster.call(owner, { kind: 'event', event, payload: data, socketId: ctx.socket.id, address: ctx.address });
        if (!isMoved(answer)) reply = answer;
        else if (attempt >= ATTEMPTS) return fail('busy', 'the meeting is moving between servers: try again in a moment');
      } catch (error) {
        // The owner died as we asked: the next look finds it gone and takes the meeting over (at
        // once when its key is known to be gone, else after a moment).
        if (attempt >= 2) return fail('busy', `the node running this meeting did not answer: ${(error as Error).message}`);
        if (!(error instanceof NodeGone)) await new Promise((resolve) => setTimeout(resolve, 600));
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
    const request: ClusterRequest = {
      kind: 'disconnect',
      socketId: ctx.socket.id,
      address: ctx.address,
      reason: reason === 'timed-out' ? 'timed-out' : 'disconnected',
    };
    for (let attempt = 0; attempt <= ATTEMPTS; attempt += 1) {
      const owner = await this.ownerOf(code).catch(() => null);
      if (owner === this.cluster.nodeId) {
        leaveRoom(ctx, reason);
        return;
      }
      if (!owner) return;
      try {
        if (!isMoved(await this.cluster.call(owner, request))) return;
      } catch (error) {
        this.log.warn(`could not tell the owner of a meeting that someone left: ${(error as Error).message}`);
        return;
      }
    }
  }

  /** A request another node handed over: run it here, with a stand-in for the connection, if the meeting is still this node's. */
  private async serve(request: ClusterRequest & { from: string }): Promise<ClusterReply> {
    const { state } = this;
    if (request.kind === 'present') {
      await Promise.all(this.inheriting.values());
      return state.registry.bySocketId(request.socketId) || state.meetings.waiterBySocket(request.socketId) ? { ok: true } : fail('not-in-room', 'not here');
    }
    let route: AnyRoute | undefined;
    let payload: unknown;
    let code: string | undefined;
    if (request.kind === 'event') {
      route = Object.hasOwn(this.routes, request.event) ? this.routes[request.event as keyof Routes<RoomContext>] : undefined;
      if (!route) return fail('unknown-event', `unknown event "${request.event}"`);
      const parsed = route.schema.safeParse(request.payload);
      if (!parsed.success) return fail('invalid-payload', `"${request.event}" did not match its schema`);
      payload = parsed.data;
      if (request.event === 'join') {
        // The meeting may have moved here (its owner died), or away (this node lost it): look again.
        code = (parsed.data as { room: string }).room;
        if ((await this.ownerOf(code)) !== this.cluster.nodeId) return MOVED;
      }
    }
    code ??= this.meetingOfSocket(request.socketId);
    // Fencing: while its lease ran out, this node checks in Redis that the meeting is still its own.
    if (code !== undefined && !this.cluster.holdsLease() && !(await this.cluster.owns(code))) return MOVED;
    const socket = this.remote(request.socketId, request.from);
    const ctx = this.contextFor(socket, request.address);
    if (request.kind === 'disconnect') {
      leaveRoom(ctx, request.reason);
      this.remotes.delete(request.socketId);
      return { ok: true };
    }
    return route!.handle(payload as never, ctx);
  }

  /** The meeting `socketId` is in or waits for, as this node holds it. */
  private meetingOfSocket(socketId: string): string | undefined {
    return this.state.registry.bySocketId(socketId)?.room ?? this.state.meetings.waiterBySocket(socketId)?.meeting.code;
  }

  private contextFor(socket: RemoteSocket, address: string): RoomContext {
    const ctx: RoomContext = { ...this.state, socket, address, protocolError: (event, error) => socket.emit('protocol-error', { event, error }) };
    Object.defineProperties(ctx, { closing: { get: () => this.state.closing }, ready: { get: () => this.state.ready } });
    return ctx;
  }

  /** The node running `code`, taking the meeting over first when this node just inherited it. */
  private async ownerOf(code: string): Promise<string> {
    const { node, tookOver } = await this.cluster.ownerOf(code);
    if (tookOver) await this.inherit(code);
    else await this.inheriting.get(code);
    return node;
  }

  private inherit(code: string): Promise<void> {
    const taking = this.takeOver(code).finally(() => {
      if (this.inheriting.get(code) === taking) this.inheriting.delete(code);
    });
    this.inheriting.set(code, taking);
    return taking;
  }

  /**
   * This node now runs `code`, whose owner's lease ran out: the meeting comes back from the store with
   * its rules and host, and everyone recorded in it (members with their media, hand and recording;
   * people waiting) stays as they were. Those whose node really died are dropped by the orphan check.
   */
  private async takeOver(code: string): Promise<void> {
    const { state } = this;
    // A copy held from before (this node lost the meeting once without noticing) is out of date.
    const stale = state.meetings.get(code);
    if (stale) this.forget(stale);
    const record = (await state.store.loadMeetings()).find((r) => r.code === code && r.state === 'live');
    if (!record || state.meetings.get(code)) return;
    const [usage, newest, members, waiters] = await Promise.all([
      state.store.chatUsage(record.instance),
      state.store.chatPage(record.instance, { limit: 1 }),
      this.cluster.members(code),
      this.cluster.waiters(code),
    ]);
    if (state.meetings.get(code)) return;
    const meeting = state.meetings.restore(record, usage);
    // The node that died may have stored its last messages without posting them: sent again, they are posted.
    meeting.inherited = { upToSeq: newest.messages.at(-1)?.seq ?? 0, reposted: new Set() };
    for (const { node, ...member } of members) {
      if (member.room !== code || meeting.banned.has(member.id)) continue;
      state.registry.join({ ...member, host: meeting.hostId === member.id });
      this.attach(member.socketId, node, code);
    }
    for (const { node, ...waiter } of waiters) {
      if (meeting.banned.has(waiter.id) || state.registry.member(code, waiter.id)) continue;
      this.attach(waiter.socketId, node, null);
      state.meetings.addWaiter(meeting, waiter);
    }
    // The host may not be recorded in it (they had left it with a grace running): the usual grace.
    if (!meeting.hostId || !state.registry.member(code, meeting.hostId)) startGrace(state, meeting, state.restartGraceMs);
    this.log.info(`took over meeting ${record.instance} (${members.length} in it, ${waiters.length} waiting)`);
  }

  /** Knows where `socketId` is; puts it in the meeting's Socket.IO room when it is a member. */
  private attach(socketId: string, node: string, room: string | null): void {
    if (node !== this.cluster.nodeId) this.remote(socketId, node);
    if (room !== null) this.state.io.in(socketId).socketsJoin(room);
  }

  /**
   * Drops this node's copy of a meeting another node runs now, telling nobody (their Socket.IO rooms
   * stay: the new owner's broadcasts reach them). Returns the connections on this node it held.
   */
  private forget(meeting: Meeting): string[] {
    const { state } = this;
    const local: string[] = [];
    const people: Array<Member | Waiter> = [...state.registry.members(meeting.code), ...meeting.waiting.values()];
    for (const person of people) {
      if ('room' in person) {
        state.registry.leave(person.socketId);
        state.broadcast.forget(meeting.code, person.id);
      }
      this.orphans.delete(person.socketId);
      if (state.io.sockets.sockets.has(person.socketId)) local.push(person.socketId);
      else this.remotes.delete(person.socketId);
    }
    state.meetings.drop(meeting.code);
    state.passcodes.forget(meeting.instance);
    return local;
  }

  /**
   * This node was out of touch (its lease lapsed, or Redis came back): for each meeting it holds,
   * it checks in Redis who runs it now. Its own: said again who is in it (Redis may have restarted
   * empty). Another's: the stale copy goes, and its connections the new owner does not have (it
   * dropped them as gone) are closed so their apps join again as themselves.
   */
  private async resume(): Promise<void> {
    await Promise.all(this.state.meetings.all().map((meeting) => this.recheck(meeting)));
  }

  private async recheck(meeting: Meeting): Promise<void> {
    const { state } = this;
    const { node, tookOver } = await this.cluster.ownerOf(meeting.code);
    if (state.meetings.get(meeting.code) !== meeting) return;
    if (node === this.cluster.nodeId && !tookOver) {
      for (const member of state.registry.members(meeting.code)) this.saveMember(member);
      for (const waiter of meeting.waiting.values()) this.cluster.saveWaiter(meeting.code, { ...waiter, node: state.nodeOf(waiter.socketId) });
      return;
    }
    if (node === this.cluster.nodeId) {
      // Its owner meanwhile (which had taken it from this node) stopped: back from what it saved.
      await this.inherit(meeting.code);
      return;
    }
    this.log.warn(`meeting ${meeting.instance} is run by ${node} now: dropping this node's copy`);
    const local = this.forget(meeting);
    await Promise.all(
      local.map(async (socketId) => {
        const reply = await this.cluster.call(node, { kind: 'present', socketId }).catch(() => null);
        if (reply && !isMoved(reply) && reply.ok) return;
        this.meetingOf.delete(socketId);
        // The transport closes, not the socket: the app reconnects (after a server's disconnect it would not).
        state.io.sockets.sockets.get(socketId)?.conn.close();
      }),
    );
  }

  private saveMember(member: Member): void {
    this.cluster.saveMember(member.room, { ...member, node: this.state.nodeOf(member.socketId) });
  }

  /** Members (and people waiting) on nodes that died: gone once ORPHAN_GRACE_MS passed without them joining again. */
  private async dropOrphans(): Promise<void> {
    const { state } = this;
    // Out of touch: the meetings here may not be this node's any more.
    if (!this.cluster.holdsLease()) return;
    const alive = new Map<string, boolean>();
    const now = state.now();
    for (const meeting of state.meetings.all()) {
      const people = [...state.registry.members(meeting.code), ...meeting.waiting.values()];
      for (const { socketId } of people) {
        const socket = this.remotes.get(socketId);
        if (!socket) continue;
        if (!alive.has(socket.node)) alive.set(socket.node, await this.cluster.isAlive(socket.node).catch(() => true));
        if (alive.get(socket.node)) {
          this.orphans.delete(socketId);
          continue;
        }
        const since = this.orphans.get(socketId) ?? now;
        this.orphans.set(socketId, since);
        if (now - since < ORPHAN_GRACE_MS || !this.cluster.holdsLease()) continue;
        this.orphans.delete(socketId);
        // A member counts as timed out; someone waiting leaves the waiting room (the host's list is updated).
        leaveRoom(this.contextFor(socket, 'unknown'), 'timed-out');
        this.remotes.delete(socketId);
      }
    }
  }

  close(): void {
    clearInterval(this.orphanTimer);
  }
}

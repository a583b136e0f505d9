import {
  PROTOCOL_VERSION,
  type HostNotice,
  type JoinedReply,
  type Participant,
  type Reaction,
  type RoomSettings,
  type MediaRoute,
} from '@roundtable/signaling-server/protocol';
import { ActiveSpeakerWatch } from './audio-levels';
import type { ViewSize } from './budget';
import { failureText } from '../text/failures';
import { CallConnections } from './call-connections';
import { initialCallState, type CallPhase, type CallState } from './call-state';
import { ChatController } from './chat';
import { randomToken } from './ids';
import { HostControls } from './host-controls';
import { IceServerRefresh } from './ice-refresh';
import { LocalSending, sameMedia, type CallMedia } from './local-sending';
import { meetingTransport, relaySignal } from './meeting-transport';
import { browserConnection, type ConnectionFactory } from './mesh/slot-transceivers';
import { ParticipantList } from './participants';
import { ScreenShare } from './screen-share';
import { QualityMonitor } from './quality';
import { loadSecret, secretKey } from './secret';
import { rememberHosted } from '../records/hosted';
import { SignalingClient, SignalingError } from './signaling-client';
import { Store, type ReadonlyStore } from './store';
import type { CallTransport, TransportContext } from './transport';

export type { ConnectionStatus } from './transport';
export type { RemoteParticipant } from './participants';
export type { CallPhase, CallState } from './call-state';
export type { CallMedia } from './local-sending';

export interface CallSessionOptions {
  serverUrl: string;
  room: string;
  name: string;
  media: CallMedia;
  /** STUN/TURN servers used when the meeting server hands out none. */
  iceServers?: RTCIceServer[];
  /** Media only through the meeting's TURN relay: the others never learn our addresses. */
  relayOnly?: boolean;
  /** Keeps the participant id across reloads of the same meeting; sessionStorage in the app. */
  secretStore?: Pick<Storage, 'getItem' | 'setItem'>;
  /**
   * Keeps it for good while we host a meeting whose chat is kept (localStorage in the app): only
   * its host can start that meeting again, and the host is known by this identity.
   */
  keptSecretStore?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Participants the server no longer lists after a reconnect are dropped after this long. */
  reconnectGraceMs?: number;
  signaling?: SignalingClient;
  /** Budget each peer's video by how it shows us (default on; off for comparison benchmarks). */
  budget?: boolean;
  /** Makes the mesh's connections (the unit tests give a fake); the browser's RTCPeerConnection by default. */
  createConnection?: ConnectionFactory;
  /** How media travels; the mesh by default. */
  transport?: (context: TransportContext) => CallTransport;
  /** The meeting's passcode, when it has one (from an invite link or typed by the user). */
  passcode?: string;
  /**
   * Start the meeting if nobody runs it (New meeting, hosting), with these rules. Without it a
   * code nobody runs is waited on until its host starts it.
   */
  create?: { passcode?: string; waitingRoom?: boolean; keepChat?: boolean };
}

const REACTION_MS = 3000;

/**
 * A meeting as this participant experiences it: its phases (joining, waiting, in, reconnecting,
 * over), the room's state, who is there (ParticipantList) and how media travels to and from them
 * (a CallTransport: the mesh). Framework-free; React watches `state`.
 */
export class CallSession {
  /** Read-only for everyone else (React, the tests); the session and its participant list change it. */
  readonly state: ReadonlyStore<CallState>;
  private readonly writable: Store<CallState>;
  readonly signaling: SignalingClient;
  readonly chat: ChatController;
  /** Who is talking now (remote participants only). */
  readonly speaker: ActiveSpeakerWatch;
  readonly quality: QualityMonitor;
  /** The host's controls (the server refuses them to anyone else). */
  readonly host: HostControls;
  readonly screen = new ScreenShare();
  private readonly participants: ParticipantList;
  private readonly transport: CallTransport;
  private readonly connections: CallConnections;
  private readonly sending: LocalSending;
  private readonly iceServers: IceServerRefresh;
  private passcode: string | undefined;
  private readonly session = randomToken(12);
  private readonly secret: string;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly options: CallSessionOptions) {
    this.signaling = options.signaling ?? new SignalingClient(options.serverUrl);
    this.secret = loadSecret(options, options.serverUrl, options.room);
    this.chat = new ChatController(this.signaling);
    this.host = new HostControls(this.signaling);
    this.passcode = options.passcode;
    this.sending = new LocalSending(options.media, this.screen, (local) => this.signaling.send('media', local));
    this.connections = new CallConnections(options.createConnection ?? browserConnection);
    const context = this.transportContext();
    this.transport =
      options.transport?.(context) ??
      meetingTransport(context, this.signaling, this.connections, {
        iceServers: options.iceServers ?? [],
        relayOnly: options.relayOnly ?? false,
        budget: options.budget ?? true,
      });
    this.iceServers = new IceServerRefresh({
      apply: (servers) => this.transport.setIceServers(servers),
      fallback: options.iceServers ?? [],
      fetch: async () => (await this.signaling.request('ice-servers', {})).iceServers,
      active: () => this.phase === 'joined',
    });
    this.speaker = new ActiveSpeakerWatch(() => this.transport.peers());
    this.quality = new QualityMonitor(() => this.transport.peers());
    this.state = this.writable = new Store<CallState>(initialCallState(options.room, this.sending.state()));
    this.participants = new ParticipantList({
      get: () => this.state.get().participants,
      set: (participants) => {
        this.writable.update((s) => ({ ...s, participants }));
        this.transport.setRoomSize(participants.length + 1);
      },
    });
    const t = this.transport.events;
    const s = this.signaling.events;
    this.unsubscribe.push(
      t.on('tracks', (id, tracks) => this.participants.setTracks(id, tracks)),
      t.on('connection', (id, status) => this.participants.setConnection(id, status)),
      t.on('restarted', (id) => this.participants.restartMedia(id)),
      s.on('participant-joined', (p) => this.onJoined(p)),
      s.on('participant-left', ({ id, reason }) => this.onLeft(id, reason)),
      s.on('participant-updated', (p) => this.onUpdated(p)),
      s.on('reaction', (reaction) => this.onReaction(reaction)),
      s.on('signal', (message) => this.transport.receiveSignal(message)),
      // Told of a move to the SFU while on it already: the meeting's SFU is a new one.
      s.on('media-route', ({ route }) => (route === 'sfu' && this.state.get().route === 'sfu' ? this.transport.sfuRenewed?.() : this.useRoute(route))),
      s.on('connected', (again) => {
        if (again && this.phase === 'reconnecting') void this.rejoin();
      }),
      s.on('meeting-ended', ({ message }) => {
        this.teardown();
        this.patch({ phase: 'ended', error: message, participants: [] });
      }),
      s.on('sent-away', ({ message }) => {
        this.teardown();
        this.patch({ phase: 'sent-away', error: message, participants: [] });
      }),
      s.on('admitted', (reply) => void this.enter(reply)),
      // The meeting we waited for has started: ask again, now through its rules.
      s.on('host-arrived', () => {
        if (this.phase === 'waiting') void this.askAgain();
      }),
      s.on('room-settings', (settings) => this.patch({ settings })),
      s.on('waiting-list', ({ waiting }) => this.patch({ waiting })),
      s.on('ban-list', ({ banned }) => this.patch({ banned })),
      s.on('room-settings', (settings) => this.keepSecretWhileKept(settings)),
      s.on('host-notice', (notice) => this.onHostNotice(notice)),
      s.on('disconnected', () => {
        if (this.phase === 'joined' || this.phase === 'waiting') this.patch({ phase: 'reconnecting' });
        this.transport.signalingLost();
      }),
      options.media.events.on('tracks', () => this.onLocalTracks()),
      this.screen.events.on('tracks', () => this.onLocalTracks()),
    );
  }

  get phase(): CallPhase {
    return this.state.get().phase;
  }

  /** Joins (or enters the waiting room); rejects when the server refuses, e.g. for a wrong passcode. */
  async join(passcode?: string): Promise<void> {
    if (passcode !== undefined) this.passcode = passcode;
    this.patch({ phase: 'joining', error: null, errorCode: null });
    try {
      await this.signaling.whenConnected();
      const reply = await this.signaling.request('join', this.joinRequest());
      if ('waiting' in reply) this.patch({ phase: 'waiting' });
      else await this.enter(reply);
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : null;
      this.patch({ phase: 'failed', error: failureText(error), errorCode: code });
      throw error;
    }
  }

  /** As long as we host a meeting whose chat is kept, our identity is kept too (so we can start it again later). */
  private keepSecretWhileKept(settings: RoomSettings): void {
    const store = this.options.keptSecretStore;
    const self = this.state.get().self;
    if (!store || !self || settings.hostId !== self.id) return;
    // Meetings we host: their records are ours to read later (records/hosted.ts).
    rememberHosted(store, this.options.serverUrl, this.secret);
    const key = secretKey(this.options.serverUrl, this.options.room);
    if (settings.keepChat) store.setItem(key, this.secret);
    else store.removeItem(key);
  }

  /** Whether joining starts the meeting when nobody runs it. */
  get startsMeeting(): boolean {
    return this.options.create !== undefined;
  }

  /** Waiting for a host who may not come: start the meeting ourselves, if nobody runs it. */
  async startMeeting(): Promise<void> {
    this.options.create ??= {};
    this.patch({ phase: 'waiting' });
    await this.askAgain();
  }

  /** Joins again from the waiting room (the meeting started); a refusal ends the wait with why. */
  private async askAgain(): Promise<void> {
    try {
      const reply = await this.signaling.request('join', this.joinRequest());
      if (!('waiting' in reply)) await this.enter(reply);
    } catch (error) {
      const code = error instanceof SignalingError ? error.code : null;
      this.patch({ phase: 'failed', error: failureText(error), errorCode: code });
    }
  }

  /**
   * Gets the first connection ready while the user is still on the pre-join screen (in the mesh:
   * the connection and offer for the first person we will meet), so that joining sends it at once.
   */
  prepareConnection(): void {
    if (this.phase !== 'idle') return;
    this.transport.prepare();
  }

  /** In the meeting (at once, or when the host admits us from the waiting room). */
  private async enter(reply: JoinedReply): Promise<void> {
    this.iceServers.use(reply.iceServers);
    this.patch({ phase: 'joined', self: { id: reply.self.id, name: reply.self.name }, hand: reply.self.hand, settings: reply.room });
    this.keepSecretWhileKept(reply.room);
    this.announceMedia();
    const present = reply.participants.map((participant) => ({ id: participant.id, restarted: this.addParticipant(participant) }));
    this.useRoute(reply.route ?? 'mesh');
    // Resolves once the offers are out, so whatever the caller renders next does not hold them up.
    await this.transport.start(reply.self.id, present);
    this.speaker.start();
    this.quality.start();
    void this.chat.synchronize(reply.self);
  }

  async leave(): Promise<void> {
    if (this.phase === 'joined' || this.phase === 'waiting') await this.signaling.request('leave', {}).catch(() => undefined);
    this.teardown();
    this.patch({ phase: 'left', participants: [] });
  }

  /** Ends everything without telling the server (the page is going away). */
  dispose(): void {
    this.teardown();
  }

  setMicEnabled(on: boolean): void {
    this.options.media.setMicEnabled(on);
  }

  async setCameraEnabled(on: boolean): Promise<void> {
    await this.options.media.setCameraEnabled(on);
  }

  raiseHand(raised: boolean): void {
    this.signaling.send('raise-hand', { raised });
  }

  react(emoji: Reaction['emoji']): void {
    this.signaling.send('react', { emoji });
  }

  /** Shares a screen captured with getDisplayMedia; camera and microphone go on untouched. */
  startScreenShare(stream: MediaStream): void {
    this.screen.start(stream);
  }

  stopScreenShare(): void {
    this.screen.stop();
  }

  dismissNotice(key: string): void {
    this.patch({ notices: this.state.get().notices.filter((n) => n.key !== key) });
  }

  /** Tells everyone that this participant started or stopped recording the meeting. */
  setRecording(active: boolean): void {
    this.patch({ recording: active });
    this.signaling.send('recording', { active });
  }

  /**
   * How big this participant's screen shows `id`'s camera (device pixels; 0 x 0 when not at all).
   * Told (by the transport) when it changes, so that what is sent to us fits it.
   */
  setViewSize(id: string, size: ViewSize): void {
    if (this.phase !== 'joined') return;
    this.transport.setViewSize(id, size);
  }

  /** The RTCPeerConnection that carries one participant's media, for statistics and diagnostics. */
  connectionTo(id: string): RTCPeerConnection | undefined {
    return this.transport.connectionTo(id);
  }

  /** Our microphone's level now (0..1) as one of our connections sends it, or null when none does. */
  async ownAudioLevel(): Promise<number | null> {
    const track = this.options.media.audioTrack;
    return track ? this.connections.sendingLevel(track) : null;
  }

  /** What flows from one participant (their microphone and camera, however the media travels). */
  async statsOf(id: string): Promise<RTCStatsReport | null> {
    return (await this.transport.peer(id)?.getStats()) ?? null;
  }

  /** What the transport needs of the call. */
  private transportContext(): TransportContext {
    return {
      send: relaySignal(this.signaling),
      localTracks: () => this.sending.tracks(),
      localStream: this.options.media.stream,
      isListed: (id) => this.participants.has(id),
      othersCount: () => this.participants.all.length,
      isJoined: () => this.phase === 'joined',
    };
  }

  /** The server says how the meeting's media travels (it only ever moves to the SFU). */
  private useRoute(route: MediaRoute): void {
    this.transport.setRoute?.(route);
    if (route === 'sfu' && this.state.get().route !== 'sfu') this.patch({ route });
  }

  /** The join request to send now. What it says of our media is what the server will know. */
  private joinRequest() {
    return {
      protocol: PROTOCOL_VERSION,
      room: this.options.room,
      name: this.options.name,
      secret: this.secret,
      session: this.session,
      media: this.sending.forJoin(),
      ...(this.passcode ? { passcode: this.passcode } : {}),
      ...(this.options.create ? { create: this.options.create } : {}),
    };
  }

  /** The host muted us or stopped our video (we comply at once), or asks us to unmute. */
  private onHostNotice(notice: HostNotice): void {
    if (notice.kind === 'muted') this.options.media.setMicEnabled(false);
    if (notice.kind === 'video-stopped') void this.options.media.setCameraEnabled(false);
    this.patch({ notices: [...this.state.get().notices, { ...notice, key: randomToken(6) }] });
  }

  /** After a dropped connection (or a restarted server): join again with the same identity. */
  private async rejoin(): Promise<void> {
    try {
      const reply = await this.signaling.request('join', this.joinRequest());
      if ('waiting' in reply) {
        // Still (or again) in the waiting room: the host has not let us in yet.
        this.patch({ phase: 'waiting', error: null });
        return;
      }
      this.patch({ phase: 'joined', error: null, settings: reply.room });
      this.announceMedia();
      // Fresh TURN credentials for the connections made from now on.
      this.iceServers.use(reply.iceServers);
      const present = reply.participants.map((participant) => ({ id: participant.id, restarted: this.addParticipant(participant) }));
      this.useRoute(reply.route ?? 'mesh');
      this.transport.signalingRestored(present);
      // The server may have restarted and forgotten: fetch the chat we missed.
      void this.chat.synchronize(reply.self);
      // The others may still be on their way back: whoever has not reappeared after the grace
      // period is gone. Their tiles stay meanwhile, and their media keeps flowing peer to peer.
      this.participants.awaitReturn(new Set(present.map((p) => p.id)), this.options.reconnectGraceMs ?? 10_000, (id) => this.removeParticipant(id));
    } catch (error) {
      this.patch({ phase: 'failed', error: failureText(error) });
    }
  }

  private onUpdated(p: Participant): void {
    if (p.id === this.state.get().self?.id) {
      this.patch({ hand: p.hand, recording: p.recording });
      return;
    }
    this.participants.update(p);
  }

  private onReaction(reaction: Reaction): void {
    const key = `${reaction.from}:${reaction.at}:${randomToken(4)}`;
    this.patch({ reactions: [...this.state.get().reactions, { ...reaction, key }] });
    setTimeout(() => this.patch({ reactions: this.state.get().reactions.filter((r) => r.key !== key) }), REACTION_MS);
  }

  /**
   * Someone left. A leave or a closed connection (their app quit or died) removes them at once.
   * When the server only lost touch with them, they stay (away) while their media still reaches us.
   */
  private onLeft(id: string, reason: 'left' | 'disconnected' | 'timed-out' | 'removed'): void {
    const peer = this.transport.peer(id);
    if (reason !== 'timed-out' || !peer) return this.removeParticipant(id);
    this.participants.keepWhileHeard(
      id,
      peer,
      () => this.transport.peer(id),
      () => this.removeParticipant(id),
    );
  }

  /** Someone arrived (or came back); they offer to us, and the transport gets ready for it. */
  private onJoined(participant: Participant): void {
    const self = this.state.get().self;
    if (!self || participant.id === self.id) return;
    const restarted = this.addParticipant(participant);
    this.transport.participantJoined(participant.id, restarted);
  }

  /** Adds someone to the list, or updates them; whether they started over (a reload). */
  private addParticipant(participant: Participant): boolean {
    const self = this.state.get().self;
    if (!self || participant.id === self.id) return false;
    return this.participants.upsert(participant).restarted;
  }

  private removeParticipant(id: string): void {
    this.transport.participantLeft(id);
    this.participants.remove(id);
  }

  private onLocalTracks(): void {
    this.transport.setLocalTracks(this.sending.tracks());
    const local = this.sending.state();
    if (!sameMedia(this.state.get().local, local)) this.patch({ local });
    this.announceMedia(local);
  }

  /** Tells everyone what we send now, once we are in (LocalSending tells only what the server does not know). */
  private announceMedia(local = this.sending.state()): void {
    if (this.phase === 'joined') this.sending.announce(local);
  }

  private teardown(): void {
    this.iceServers.stop();
    this.screen.stop(false);
    this.speaker.stop();
    this.quality.stop();
    this.transport.close();
    this.participants.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    this.signaling.close();
  }

  private patch(change: Partial<CallState>): void {
    this.writable.update((s) => ({ ...s, ...change }));
  }
}

export { SignalingError };

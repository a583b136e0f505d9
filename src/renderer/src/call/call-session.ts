import {
  PROTOCOL_VERSION,
  type HostNotice,
  type JoinedReply,
  type MediaState,
  type Participant,
  type Reaction,
  type RoomSettings,
  type SignalMessage,
  type WaitingPerson,
  type BanList,
} from '@roundtable/signaling-server/protocol';
import { ActiveSpeakerWatch } from './audio-levels';
import type { ViewSize } from './budget';
import { failureText } from '../text/failures';
import { ChatController } from './chat';
import { randomToken } from './ids';
import type { LocalMedia } from './local-media';
import { MeshBudget } from './mesh-budget';
import { nextTask } from './next-task';
import { OfferInWaiting } from './offer-in-waiting';
import { HostControls } from './host-controls';
import { fingerprintOf, PeerLink } from './peer-link';
import { ScreenShare } from './screen-share';
import { QualityMonitor } from './quality';
import { SignalingClient, SignalingError } from './signaling-client';
import { noTracks, SLOTS, type SlotTracks } from './slots';
import { Store } from './store';

/**
 * `waiting`: in the waiting room until the host lets us in; `sent-away`: the host turned us away or
 * removed us; `ended`: the meeting ended for everyone.
 */
export type CallPhase = 'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'left' | 'sent-away' | 'ended' | 'failed';

/**
 * How our connection to someone is doing, as the meeting shows it. Coarser than the connection's
 * own states on purpose: a join goes new -> connecting -> connected within a fraction of a second,
 * and each new state renders the meeting again, right while the call comes up.
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'lost';

function connectionStatus(state: RTCPeerConnectionState): ConnectionStatus {
  if (state === 'connected') return 'connected';
  return state === 'disconnected' || state === 'failed' ? 'lost' : 'connecting';
}

export interface RemoteParticipant {
  id: string;
  name: string;
  joinedAt: number;
  media: MediaState;
  /** When they raised their hand (server time), or null. */
  hand: number | null;
  /** They are recording the meeting. */
  recording: boolean;
  host: boolean;
  /** What arrives from them, by slot; a track exists once negotiated even while they send nothing. */
  tracks: SlotTracks;
  connection: ConnectionStatus;
  /** The server lost them but their media still reaches us: they are probably on their way back. */
  away: boolean;
}

export interface CallState {
  phase: CallPhase;
  error: string | null;
  self: { id: string; name: string } | null;
  room: string;
  /** Everyone else, in order of joining. */
  participants: readonly RemoteParticipant[];
  local: MediaState;
  /** When this participant raised their hand, or null. */
  hand: number | null;
  /** This participant is recording the meeting (as the server knows it). */
  recording: boolean;
  /** The room's rules: who hosts, locked, waiting room, passcode. */
  settings: RoomSettings;
  /** For the host: who is in the waiting room, longest waiting first. */
  waiting: readonly WaitingPerson[];
  /** For the host: who was removed (and is kept out until let back). */
  banned: BanList['banned'];
  /** What the host asked of us or did to us, newest last, until dismissed. */
  notices: readonly (HostNotice & { key: string })[];
  /** Why joining failed, for the screens that can fix it (a passcode prompt). */
  errorCode: string | null;
  /** Reactions of the last few seconds, for the bursts on tiles. */
  reactions: readonly (Reaction & { key: string })[];
}

export interface CallSessionOptions {
  serverUrl: string;
  room: string;
  name: string;
  media: LocalMedia;
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
 * TURN credentials are short-lived (the server's default is 10 minutes). A relay already allocated
 * outlives them, but an ICE restart or a new connection needs valid ones: they are renewed this often.
 */
const ICE_REFRESH_MS = 4 * 60_000;
/** How long someone the server lost, but whose media still flows, keeps their tile. */
const AWAY_GRACE_MS = 20_000;
/**
 * Someone the server lost, from whom nothing has arrived for this long, is gone. With the server's
 * own detection (at most 8 s) this keeps a 5 s network blip from removing anyone, and removes a
 * machine that went to sleep within 10 s.
 */
const AWAY_SILENT_MS = 8_000;
const AWAY_CHECK_MS = 250;
/** After an outage, how long the polite side leaves the other to start the connection over. */
const RECOVERY_YIELD_MS = 1000;
/** How many replaced connections per participant we still recognise (and ignore) by certificate. */
const RETIRED_KEPT = 4;
/**
 * A connection that nobody offered on after this long is offered from our side, plus a second for
 * each other person in the room: a newcomer opens its connections one after another, and on a busy
 * machine five of them took eight seconds; offering across theirs meanwhile only makes both sides
 * start over.
 */
const OFFER_IF_IDLE_MS = 2500;
const OFFER_IF_IDLE_PER_PERSON_MS = 1000;
/** View sizes are reported in steps of this many pixels, so resizing a window does not chatter. */
const VIEW_STEP = 32;

/**
 * A meeting as this participant experiences it: who is there, what they send, and one
 * PeerLink per remote participant. Framework-free; React watches `state`.
 */
export class CallSession {
  readonly state: Store<CallState>;
  readonly signaling: SignalingClient;
  readonly chat: ChatController;
  /** Who is talking now (remote participants only). */
  readonly speaker: ActiveSpeakerWatch;
  readonly quality: QualityMonitor;
  /** The host's controls (the server refuses them to anyone else). */
  readonly host: HostControls;
  readonly screen = new ScreenShare();
  private readonly budget: MeshBudget;
  private passcode: string | undefined;
  private readonly reportedViews = new Map<string, string>();
  private readonly links = new Map<string, PeerLink>();
  /** The first offer, made on the pre-join screen (prepareConnection). */
  private readonly offerInWaiting = new OfferInWaiting();
  /** What new connections use: the meeting server's STUN/TURN servers (TURN credentials are ours). */
  private iceServers: RTCIceServer[] = [];
  /** Per participant, the certificates of their side of connections we replaced: what still comes from those is dropped. */
  private readonly retired = new Map<string, string[]>();
  private readonly sessions = new Map<string, string>();
  private readonly session = randomToken(12);
  private readonly secret: string;
  private readonly unsubscribe: Array<() => void> = [];
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private iceRefresh: ReturnType<typeof setInterval> | undefined;
  private awaitingReturn = new Set<string>();
  /** What the server last heard from us about our microphone, camera and screen (a join request or a `media` message). */
  private announced: MediaState | null = null;

  constructor(private readonly options: CallSessionOptions) {
    this.signaling = options.signaling ?? new SignalingClient(options.serverUrl);
    this.secret = loadSecret(options, options.serverUrl, options.room);
    this.chat = new ChatController(this.signaling);
    this.host = new HostControls(this.signaling);
    this.passcode = options.passcode;
    this.speaker = new ActiveSpeakerWatch(() => this.links.values());
    this.quality = new QualityMonitor(() => this.links.values());
    this.budget = new MeshBudget(options.budget ?? true, () => options.media.videoTrack?.getSettings().height ?? 720);
    this.state = new Store<CallState>({
      phase: 'idle',
      error: null,
      self: null,
      room: options.room,
      participants: [],
      local: this.localMediaState(),
      hand: null,
      recording: false,
      settings: { hostId: null, locked: false, waitingRoom: false, hasPasscode: false, keepChat: false },
      waiting: [],
      banned: [],
      notices: [],
      errorCode: null,
      reactions: [],
    });
    const s = this.signaling.events;
    this.unsubscribe.push(
      s.on('participant-joined', (p) => this.onJoined(p)),
      s.on('participant-left', ({ id, reason }) => this.onLeft(id, reason)),
      s.on('participant-updated', (p) => this.onUpdated(p)),
      s.on('reaction', (reaction) => this.onReaction(reaction)),
      s.on('signal', (message) => this.onSignal(message)),
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
        // Did our network drop, taking the media with it, or only the server? rejoin() asks.
        for (const link of this.links.values()) link.watchQuiet(true);
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
   * Makes, while the user is still on the pre-join screen, the connection and offer for the first
   * person we will meet (see OfferInWaiting), so that joining sends it at once. Not for relay-only
   * calls: the relay's credentials come with the join.
   */
  prepareConnection(): void {
    if (this.options.relayOnly || this.phase !== 'idle') return;
    this.offerInWaiting.prepare(this.options.iceServers ?? [], this.localTracks(), this.options.media.stream);
  }

  /** In the meeting (at once, or when the host admits us from the waiting room). */
  private async enter(reply: JoinedReply): Promise<void> {
    this.useIceServers(reply.iceServers);
    this.patch({ phase: 'joined', self: { id: reply.self.id, name: reply.self.name }, hand: reply.self.hand, settings: reply.room });
    this.keepSecretWhileKept(reply.room);
    this.announceMedia();
    for (const participant of reply.participants) this.addParticipant(participant, 'later');
    // Nobody here to offer to: whoever comes later offers to us.
    if (reply.participants.length === 0) this.offerInWaiting.discard();
    const prepared = await this.offerInWaiting.take(this.iceServers);
    await this.connectToEveryone(
      reply.participants.map((p) => p.id),
      prepared,
    );
    // Resolve once the offers are out, so whatever the caller renders next does not hold them up.
    await Promise.all([...this.links.values()].map((link) => link.firstOffer));
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
   * Told to `id` when it changes, so they can budget what they send us.
   */
  setViewSize(id: string, size: ViewSize): void {
    const width = Math.ceil(size.width / VIEW_STEP) * VIEW_STEP;
    const height = Math.ceil(size.height / VIEW_STEP) * VIEW_STEP;
    const key = `${width}x${height}`;
    if (this.reportedViews.get(id) === key || this.phase !== 'joined') return;
    this.reportedViews.set(id, key);
    this.signaling.send('signal', { to: id, kind: 'view', view: { width, height } });
  }

  /** The RTCPeerConnection to one participant, for statistics and diagnostics. */
  connectionTo(id: string): RTCPeerConnection | undefined {
    return this.links.get(id)?.pc;
  }

  /** The join request to send now. What it says of our media is what the server will know (`announced`). */
  private joinRequest() {
    this.announced = this.localMediaState();
    return {
      protocol: PROTOCOL_VERSION,
      room: this.options.room,
      name: this.options.name,
      secret: this.secret,
      session: this.session,
      media: this.announced,
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
      this.useIceServers(reply.iceServers);
      const wentQuiet = new Set([...this.links.values()].filter((link) => link.watchQuiet(false)).map((link) => link.remoteId));
      for (const participant of reply.participants) {
        const link = this.links.get(participant.id);
        // A connection that is not up after we lost the server may have lost messages, and one whose
        // media stopped while we were away has a sender queue full of stale media: start it over.
        if (link && (link.pc.connectionState !== 'connected' || wentQuiet.has(participant.id))) this.replaceLink(participant.id, true);
        // Someone we had a connection with but who reloaded meanwhile offers to us on a new one.
        this.addParticipant(participant, this.links.has(participant.id) ? 'await-offer' : 'later');
      }
      void this.connectToEveryone(reply.participants.map((p) => p.id));
      // The server may have restarted and forgotten: say again how we show everyone, fetch missed chat.
      this.reportedViews.clear();
      void this.chat.synchronize(reply.self);
      // The others may still be on their way back: whoever has not reappeared after the grace
      // period is gone. Their tiles stay meanwhile, and their media keeps flowing peer to peer.
      const listed = new Set(reply.participants.map((p) => p.id));
      this.awaitingReturn = new Set(
        this.state
          .get()
          .participants.map((p) => p.id)
          .filter((id) => !listed.has(id)),
      );
      clearTimeout(this.graceTimer);
      this.graceTimer = setTimeout(() => {
        for (const id of this.awaitingReturn) this.removeParticipant(id);
      }, this.options.reconnectGraceMs ?? 10_000);
    } catch (error) {
      this.patch({ phase: 'failed', error: failureText(error) });
    }
  }

  /**
   * Opens a connection to each of `ids` that has none, one per task (on joining, and on joining
   * again after the server was lost). Making a connection and its transceivers are blocking calls
   * into WebRTC's threads; on a busy machine five of them in a row held the page for seconds, long
   * enough for the server to miss our heartbeat and drop us.
   */
  private async connectToEveryone(ids: readonly string[], prepared: RTCPeerConnection | null = null): Promise<void> {
    for (const [index, id] of ids.entries()) {
      if (index > 0) await nextTask();
      const listed = this.state.get().participants.some((p) => p.id === id);
      if (this.phase === 'joined' && listed && !this.links.has(id)) {
        this.createLink(id, true, prepared ?? undefined);
        prepared = null;
      }
    }
    prepared?.close();
  }

  private onUpdated(p: Participant): void {
    if (p.id === this.state.get().self?.id) {
      this.patch({ hand: p.hand, recording: p.recording });
      return;
    }
    this.updateParticipant(p.id, (known) => ({ ...known, name: p.name, media: p.media, hand: p.hand, recording: p.recording, host: p.host }));
  }

  private onReaction(reaction: Reaction): void {
    const key = `${reaction.from}:${reaction.at}:${randomToken(4)}`;
    this.patch({ reactions: [...this.state.get().reactions, { ...reaction, key }] });
    setTimeout(() => this.patch({ reactions: this.state.get().reactions.filter((r) => r.key !== key) }), REACTION_MS);
  }

  /**
   * Someone left. A leave or a closed connection (their app quit or died) removes them at once.
   * When the server only lost touch with them, they may be on their way back (a network blip, a
   * signaling hiccup): they stay, marked away, until nothing has come from them over our connection
   * for AWAY_SILENT_MS (a machine asleep, a network gone for good), or the grace period ends.
   */
  private onLeft(id: string, reason: 'left' | 'disconnected' | 'timed-out' | 'removed'): void {
    const link = this.links.get(id);
    if (reason !== 'timed-out' || !link) return this.removeParticipant(id);
    this.updateParticipant(id, (p) => ({ ...p, away: true }));
    const until = Date.now() + AWAY_GRACE_MS;
    const check = async (): Promise<void> => {
      const away = (): boolean => this.state.get().participants.find((p) => p.id === id)?.away === true;
      if (!away() || this.links.get(id) !== link) return;
      const silent = await link.silentForMs();
      if (!away()) return;
      if (silent >= AWAY_SILENT_MS || Date.now() >= until) this.removeParticipant(id);
      else setTimeout(() => void check(), AWAY_CHECK_MS);
    };
    void check();
  }

  private onJoined(participant: Participant): void {
    this.awaitingReturn.delete(participant.id);
    this.addParticipant(participant, 'await-offer');
  }

  /**
   * Adds someone, or updates them when they are already known. A known id with a new session is
   * a fresh start on their side (a reload), so the old connection goes. Someone new to us gets a
   * connection that waits for their offer (they just joined, and offer to everyone), or none yet
   * (`later`: the caller opens them, one per task, with connectToEveryone).
   */
  private addParticipant(participant: Participant, connect: 'await-offer' | 'later'): void {
    const self = this.state.get().self;
    if (!self || participant.id === self.id) return;
    const knownSession = this.sessions.get(participant.id);
    const replaced = knownSession !== undefined && knownSession !== participant.session;
    if (replaced) {
      this.links.get(participant.id)?.close();
      this.links.delete(participant.id);
    }
    this.sessions.set(participant.id, participant.session);
    const existing = this.state.get().participants.find((p) => p.id === participant.id);
    const next: RemoteParticipant = {
      id: participant.id,
      name: participant.name,
      joinedAt: participant.joinedAt,
      media: participant.media,
      hand: participant.hand,
      recording: participant.recording,
      host: participant.host,
      tracks: existing && !replaced ? existing.tracks : noTracks(),
      connection: existing && !replaced ? existing.connection : 'connecting',
      away: false,
    };
    this.patchParticipants((list) => sortByJoin(existing ? list.map((p) => (p.id === next.id ? next : p)) : [...list, next]));
    if (connect === 'await-offer' && !this.links.has(participant.id)) this.createLink(participant.id, false);
  }

  /** `prepared`: for the first one we offer to, the connection made on the pre-join screen. */
  private createLink(remoteId: string, initiator: boolean, prepared?: RTCPeerConnection): PeerLink {
    const self = this.state.get().self!;
    const link = new PeerLink({
      remoteId,
      polite: self.id > remoteId,
      initiator,
      prepared,
      offerIfIdleMs: OFFER_IF_IDLE_MS + OFFER_IF_IDLE_PER_PERSON_MS * Math.max(0, this.state.get().participants.length - 1),
      iceServers: this.iceServers,
      relayOnly: this.options.relayOnly ?? false,
      localStream: this.options.media.stream,
      localTracks: () => this.localTracks(),
      send: (body) =>
        this.signaling.send('signal', { to: remoteId, ...body }, (error) => {
          if (error.code !== 'not-found') console.warn(`signal to ${remoteId} failed: ${error.message}`);
        }),
    });
    link.events.on('tracks', (tracks) => this.setRemoteTracks(remoteId, tracks));
    // The senders' encodings are set once the connection is up, and again after each negotiation:
    // while it connects, getParameters blocks the page on WebRTC's busy signaling thread.
    const tuneSenders = (): void => {
      if (link.pc.connectionState !== 'connected') return;
      void this.budget.apply(link);
      void this.screen.tune(link);
    };
    link.events.on('negotiated', tuneSenders);
    link.events.on('state', (state) => {
      this.updateParticipant(remoteId, (p) => ({ ...p, connection: connectionStatus(state) }));
      if (state === 'connected') tuneSenders();
    });
    link.events.on('error', (error) => console.warn(`connection to ${remoteId}: ${error.message}`));
    // Back after an outage: a new connection starts with a keyframe and an empty queue, where the old
    // one would leave the picture frozen for seconds. Both sides notice; the impolite one starts over,
    // the polite one only if nothing came from the other side meanwhile.
    link.events.on('recovered', () => {
      if (!link.polite) return void this.replaceLink(remoteId, true);
      setTimeout(() => {
        if (this.links.get(remoteId) === link) this.replaceLink(remoteId, true);
      }, RECOVERY_YIELD_MS);
    });
    this.links.set(remoteId, link);
    // Ours offers at once (or took the prepared offer): its transceivers, and so the tracks that
    // will carry their media, exist already. The page sets up their tiles now, not once connected.
    this.setRemoteTracks(remoteId, link.receivedTracks());
    return link;
  }

  private onSignal(message: SignalMessage): void {
    const { from, ...body } = message;
    if (body.kind === 'view') {
      this.budget.setView(from, body.view, this.links.get(from));
      return;
    }
    // Late words of a connection we already replaced (its answer or restart offer, still on the way)
    // would hijack the new one, which would then check against a closed peer forever.
    if (body.kind === 'description' && this.retired.get(from)?.includes(fingerprintOf(body.description.sdp) ?? '')) return;
    let link = this.links.get(from);
    if (link && body.kind === 'description') {
      // They opened a new connection to us (a copy of the offer this one answered is the link's business).
      if (body.fresh && !link.isPristine() && !link.answered(body.description.sdp)) {
        // If we are opening one to them at the same moment, the polite side gives way and answers
        // ours. But ours may never have reached them (it went into a connection of theirs that was
        // dying): then they never will, so we send it again.
        if (link.awaitingFirstAnswer() && !link.polite) return link.sendLocalDescription();
        link = this.replaceLink(from, false);
      } else if (body.description.type === 'answer') {
        // An answer from a certificate we do not know: they replaced their side; so do we, offering anew.
        const theirs = fingerprintOf(body.description.sdp);
        const known = link.remoteFingerprint();
        if (theirs && known && theirs !== known) {
          this.replaceLink(from, true);
          return;
        }
      }
    }
    if (!link) {
      // An offer can overtake the arrival notice only if we never saw them join; wait for the notice.
      if (!this.state.get().participants.some((p) => p.id === from)) return;
      link = this.createLink(from, false);
    }
    link.receive(body);
  }

  private replaceLink(remoteId: string, initiator: boolean): PeerLink {
    const stale = this.links.get(remoteId)?.remoteFingerprint();
    if (stale) this.retired.set(remoteId, [...(this.retired.get(remoteId) ?? []), stale].slice(-RETIRED_KEPT));
    this.links.get(remoteId)?.close();
    this.links.delete(remoteId);
    this.updateParticipant(remoteId, (p) => ({ ...p, tracks: noTracks(), connection: 'connecting' }));
    return this.createLink(remoteId, initiator);
  }

  private removeParticipant(id: string): void {
    this.awaitingReturn.delete(id);
    this.links.get(id)?.close();
    this.links.delete(id);
    this.sessions.delete(id);
    this.retired.delete(id);
    this.budget.forget(id);
    this.reportedViews.delete(id);
    this.patchParticipants((list) => list.filter((p) => p.id !== id));
  }

  /** What a link says it receives; a slot it has no transceiver for (yet) keeps what we knew. */
  private setRemoteTracks(id: string, tracks: SlotTracks): void {
    this.updateParticipant(id, (p) => {
      const next = { ...p.tracks };
      for (const slot of SLOTS) next[slot] = tracks[slot] ?? next[slot];
      return { ...p, tracks: SLOTS.every((slot) => next[slot] === p.tracks[slot]) ? p.tracks : next };
    });
  }

  private onLocalTracks(): void {
    const tracks = this.localTracks();
    for (const link of this.links.values()) {
      for (const slot of SLOTS) void link.replaceTrack(slot, tracks[slot]);
    }
    this.budget.applyAll(this.links.values());
    for (const link of this.links.values()) void this.screen.tune(link);
    const local = this.localMediaState();
    if (!sameMedia(this.state.get().local, local)) this.patch({ local });
    this.announceMedia(local);
  }

  /**
   * Tells everyone what we send now, unless the server already knows it. A change made while the
   * join request was on its way (a camera that finished opening, a toggle on the pre-join screen)
   * is told once we are in: the request carried what we sent before it.
   */
  private announceMedia(local = this.localMediaState()): void {
    if (this.phase !== 'joined' || (this.announced && sameMedia(this.announced, local))) return;
    this.announced = local;
    this.signaling.send('media', local);
  }

  private localTracks(): SlotTracks {
    const media = this.options.media;
    return { audio: media.audioTrack, video: media.videoTrack, screen: this.screen.videoTrack, screenAudio: this.screen.audioTrack };
  }

  private localMediaState(): MediaState {
    const media = this.options.media;
    return { audio: media.micEnabled && media.audioTrack !== null, video: media.cameraEnabled, screen: this.screen.videoTrack !== null };
  }

  /**
   * The STUN/TURN servers the meeting server handed us, for every connection from now on (ICE
   * restarts included); TURN credentials are renewed while we are in the meeting.
   */
  private useIceServers(servers: RTCIceServer[] | undefined): void {
    this.iceServers = servers ?? this.options.iceServers ?? [];
    for (const link of this.links.values()) {
      if (link.pc.connectionState !== 'closed') link.pc.setConfiguration({ ...link.pc.getConfiguration(), iceServers: this.iceServers });
    }
    clearInterval(this.iceRefresh);
    this.iceRefresh = undefined;
    if (!servers?.some((server) => server.credential)) return;
    this.iceRefresh = setInterval(() => {
      if (this.phase !== 'joined') return;
      this.signaling.request('ice-servers', {}).then(
        ({ iceServers }) => this.useIceServers(iceServers),
        () => undefined,
      );
    }, ICE_REFRESH_MS);
  }

  private teardown(): void {
    clearTimeout(this.graceTimer);
    clearInterval(this.iceRefresh);
    this.screen.stop(false);
    this.offerInWaiting.discard();
    this.speaker.stop();
    this.quality.stop();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.sessions.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    this.signaling.close();
  }

  /**
   * Changes one participant. A change that leaves every field as it was makes no new state: each
   * new state renders the meeting again, and a join brings a burst of them (tracks, connection).
   */
  private updateParticipant(id: string, change: (p: RemoteParticipant) => RemoteParticipant): void {
    const before = this.state.get().participants.find((p) => p.id === id);
    if (!before) return;
    const after = change(before);
    if ((Object.keys(after) as Array<keyof RemoteParticipant>).every((key) => Object.is(after[key], before[key]))) return;
    this.patchParticipants((list) => list.map((p) => (p.id === id ? after : p)));
  }

  private patchParticipants(change: (list: readonly RemoteParticipant[]) => readonly RemoteParticipant[]): void {
    this.state.update((s) => ({ ...s, participants: change(s.participants) }));
    this.budget.setParticipants(this.state.get().participants.length + 1, this.links.values());
  }

  private patch(change: Partial<CallState>): void {
    this.state.update((s) => ({ ...s, ...change }));
  }
}

function sameMedia(a: MediaState, b: MediaState): boolean {
  return a.audio === b.audio && a.video === b.video && a.screen === b.screen;
}

function sortByJoin(list: RemoteParticipant[]): RemoteParticipant[] {
  return list.sort((a, b) => a.joinedAt - b.joinedAt);
}

const secretKey = (server: string, room: string): string => `roundtable.secret:${server}:${room}`;

function loadSecret({ secretStore, keptSecretStore }: CallSessionOptions, server: string, room: string): string {
  const key = secretKey(server, room);
  const saved = keptSecretStore?.getItem(key) ?? secretStore?.getItem(key);
  if (saved && /^[A-Za-z0-9_-]{22,128}$/.test(saved)) return saved;
  const secret = randomToken(24);
  secretStore?.setItem(key, secret);
  return secret;
}

export { SignalingError };

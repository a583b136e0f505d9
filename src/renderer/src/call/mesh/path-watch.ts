import { SilenceWatch } from '../silence-watch';
import { silentForMs } from '../stats';

/** ICE 'disconnected' this long (it often comes back by itself) and still not back: restart, rather than wait for 'failed'. */
export const ICE_RESTART_GRACE_MS = 1000;
/** A restart that has not brought the connection back within this long is tried again. */
export const ICE_RETRY_MS = 5000;
/**
 * Negotiated this long ago and ICE still not up: its candidates were lost on the way (a signaling
 * connection that dropped, a server that refused a burst), and with none from the other side ICE
 * waits forever without ever saying 'failed'. An ICE restart gathers and sends new ones.
 */
export const CONNECT_WAIT_MS = 8000;
/** No packet from the other side for this long: the path is dead even if ICE has not noticed yet. */
const QUIET_MS = 1000;
/**
 * The other side's audio stopped arriving this long (it sends even while muted): the path is down.
 * ICE takes 5 s or more to say so, and a shorter outage it never reports at all.
 */
const SILENT_AUDIO_MS = 2000;

export interface PathWatchHost {
  /** Restart ICE now: new credentials and candidates in a new offer (a negotiation of the link's). */
  restartIce(): void;
  /** The path is back after an outage. */
  recovered(): void;
}

/**
 * Watches one connection's network path and decides when to act: it restarts ICE as soon as ICE
 * reports 'disconnected' for a short grace, or at once on 'failed' (retried while the path stays
 * down), and when a negotiated connection never comes up. It says 'recovered' when the path is
 * back after an outage, whether ICE noticed the outage or only the other side's audio stopped
 * meanwhile (noteAudioPackets). While our signaling is cut off it notes whether the path went quiet.
 */
export class PathWatch {
  private closed = false;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private quietTimer: ReturnType<typeof setInterval> | undefined;
  private wentQuiet = false;
  /** ICE went 'disconnected' or 'failed', or their audio went silent, and the connection has not been back since. */
  private down = false;
  private readonly audioSilence = new SilenceWatch(SILENT_AUDIO_MS);

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly host: PathWatchHost,
  ) {}

  /** ICE is up: connected or completed. */
  isUp(): boolean {
    const state = this.pc.iceConnectionState;
    return state === 'connected' || state === 'completed';
  }

  /** The connection's ICE state changed. */
  onIceState(): void {
    const state = this.pc.iceConnectionState;
    if (this.isUp() || state === 'closed') {
      clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
      clearTimeout(this.retryTimer);
      if (this.down && this.isUp()) this.host.recovered();
      this.down = false;
      return;
    }
    if (state === 'disconnected' || state === 'failed') this.down = true;
    if (state === 'failed') return this.restart();
    if (state === 'disconnected' && this.graceTimer === undefined) {
      this.graceTimer = setTimeout(() => {
        this.graceTimer = undefined;
        const now = this.pc.iceConnectionState;
        if (!this.closed && (now === 'disconnected' || now === 'failed')) this.restart();
      }, ICE_RESTART_GRACE_MS);
    }
  }

  /** Just negotiated and ICE not up: it gets CONNECT_WAIT_MS. An outage (`down`) has its own restarts. */
  negotiated(): void {
    if (!this.down && !this.isUp() && this.pc.remoteDescription !== null) this.restartIceUnlessUpIn(CONNECT_WAIT_MS);
  }

  /** Restarts ICE now, and again every ICE_RETRY_MS while it stays down. */
  private restart(): void {
    if (this.closed) return;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.restartIceUnlessUpIn(ICE_RETRY_MS);
    this.host.restartIce();
  }

  /** Restarts ICE `ms` from now if it is not up by then (the one pending restart: a new call replaces it). */
  private restartIceUnlessUpIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.isUp()) this.restart();
    }, ms);
  }

  /**
   * Watches, while our signaling is cut off, whether anything still arrives from the other side
   * (ICE takes several seconds to notice a dead path, and may never if it comes back in time).
   * `watchQuiet(false)` stops and answers whether the path went quiet meanwhile: if it did, the
   * sender's queue filled up with media nobody received, and a new connection is the fastest way
   * back (an ICE restart keeps that queue).
   */
  watchQuiet(on: boolean): boolean {
    clearInterval(this.quietTimer);
    this.quietTimer = undefined;
    const wentQuiet = this.wentQuiet;
    this.wentQuiet = false;
    if (on && !this.closed) {
      this.quietTimer = setInterval(() => void this.checkQuiet(), QUIET_MS / 2);
      void this.checkQuiet();
    }
    return wentQuiet;
  }

  /** How long since anything arrived from the other side over the connection's path (Infinity: never, or closed). */
  silentForMs(): Promise<number> {
    return silentForMs(this.pc);
  }

  private async checkQuiet(): Promise<void> {
    if (this.pc.remoteDescription === null) return;
    if ((await this.silentForMs()) >= QUIET_MS && this.quietTimer !== undefined) this.wentQuiet = true;
  }

  /**
   * How many audio packets have come from the other side so far (read with the active speaker's
   * levels). Their microphone sends even while muted, so a count that stops growing is a path
   * that died, and one that grows again is a path that came back: 'recovered', as when ICE itself
   * comes back, so the call starts over on a new connection instead of a frozen picture.
   */
  noteAudioPackets(count: number, at = performance.now()): void {
    const change = this.audioSilence.note(count, at);
    if (change === 'silent') void this.confirmSilence();
    if (change === 'resumed' && this.down && this.isUp()) {
      this.down = false;
      this.host.recovered();
    }
  }

  /**
   * Their audio can pause on its own (a source swapped for one that is slow to start, such as an
   * FFmpeg capture): the path is down only if nothing at all, video included, arrives either.
   */
  private async confirmSilence(): Promise<void> {
    if ((await this.silentForMs()) >= QUIET_MS) this.down = true;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.graceTimer);
    clearTimeout(this.retryTimer);
    clearInterval(this.quietTimer);
  }
}

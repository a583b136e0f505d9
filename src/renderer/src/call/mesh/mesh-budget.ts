import { encodingFor, type ViewSize } from '../budget';
import type { PeerLink } from './peer-link';

/** How soon a budget the sender refused is tried again. */
const RETRY_MS = 1000;

/**
 * Applies the per-peer video budget to each connection's camera sender: what each peer told us
 * about how it shows us, and the room size, decide scale, bitrate, frame rate and whether to send
 * at all. setParameters only: nothing renegotiates.
 */
export class MeshBudget {
  private readonly views = new Map<string, ViewSize>();
  private participants = 1;

  constructor(
    private readonly enabled: boolean,
    private readonly sourceHeight: () => number,
  ) {}

  setView(peerId: string, view: ViewSize, link: PeerLink | undefined): void {
    this.views.set(peerId, view);
    if (link) void this.apply(link);
  }

  setParticipants(count: number, links: Iterable<PeerLink>): void {
    if (count === this.participants) return;
    this.participants = count;
    for (const link of links) void this.apply(link);
  }

  forget(peerId: string): void {
    this.views.delete(peerId);
  }

  /** Re-applies to every link, e.g. after the camera changed resolution. */
  applyAll(links: Iterable<PeerLink>): void {
    for (const link of links) void this.apply(link);
  }

  /** One setParameters at a time per link: overlapping ones would carry a stale transaction id. */
  private readonly pending = new WeakMap<PeerLink, Promise<void>>();
  /** A link whose last budget was refused, and the timer that tries it again. */
  private readonly retries = new WeakMap<PeerLink, ReturnType<typeof setTimeout>>();

  apply(link: PeerLink): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    // A failure never stops the chain: every later budget for this link still gets applied.
    const next = (this.pending.get(link) ?? Promise.resolve()).then(() => this.applyNow(link)).catch((error: unknown) => this.retryLater(link, error));
    this.pending.set(link, next);
    return next;
  }

  private async applyNow(link: PeerLink): Promise<void> {
    clearTimeout(this.retries.get(link));
    this.retries.delete(link);
    const sender = link.sender('video');
    // Mid-negotiation, or while the connection is still coming up (getParameters would block the
    // page on WebRTC's busy signaling thread, 5-20 ms a call), nothing is read or set: the call
    // applies the budget again once the link is negotiated and connected.
    if (!sender || !link.isNegotiated() || link.pc.connectionState !== 'connected') return;
    const wanted = encodingFor(this.views.get(link.remoteId), this.sourceHeight(), this.participants);
    const parameters = sender.getParameters();
    const encoding = parameters.encodings?.[0];
    if (!encoding) return; // not negotiated yet; applied again once the view arrives
    if (
      encoding.active === wanted.active &&
      encoding.scaleResolutionDownBy === wanted.scaleResolutionDownBy &&
      encoding.maxBitrate === wanted.maxBitrate &&
      encoding.maxFramerate === wanted.maxFramerate
    ) {
      return;
    }
    Object.assign(encoding, wanted);
    await sender.setParameters(parameters);
  }

  /**
   * The sender refused (a negotiation slipped in between, or the connection is changing): never
   * leave the peer on what it was sent last, perhaps nothing. Tried again, with whatever is wanted
   * by then, while the connection is open.
   */
  private retryLater(link: PeerLink, error: unknown): void {
    console.warn(`could not set the video budget for ${link.remoteId}; trying again in ${RETRY_MS} ms`, error);
    clearTimeout(this.retries.get(link));
    this.retries.set(
      link,
      setTimeout(() => {
        if (link.pc.signalingState !== 'closed') void this.apply(link);
      }, RETRY_MS),
    );
  }
}

import { SerialQueue } from '@shared/serial';
import type { ConnectionFactory } from '../mesh/slot-transceivers';
import { silentForMs } from '../stats';
import { SLOT_KIND, type Slot, type SlotTracks } from '../slots';
import { CAMERA_LAYERS, SCREEN_LAYERS, gatheredDescription, type SfuSignaling } from './sfu-signaling';

export interface PublisherDeps {
  createConnection: ConnectionFactory;
  iceServers(): RTCIceServer[];
  signaling: SfuSignaling;
  localTracks(): SlotTracks;
  stream: MediaStream;
}

/** After the connection failed (or could not be made), how long before a new one is made; doubling up to MAX_RETRY_MS. */
const RETRY_MS = 1000;
const MAX_RETRY_MS = 8000;
/** A connection 'disconnected' this long is given up for a new one (the SFU's end may be gone). */
export const DISCONNECTED_MS = 3000;
/** The SFU sends a receiver report a second on a publishing connection: this long without one, it is not there any more. */
const SFU_SILENT_MS = 2500;

/**
 * Our one sending connection to the SFU: the microphone, the camera as three layers, and (from the
 * first share on) the screen as three layers and its sound. Turning a slot on or off is a
 * replaceTrack; adding the screen slots renegotiates; a failed connection is made anew.
 */
export class SfuPublisher {
  private pc: RTCPeerConnection | null = null;
  private readonly transceivers = new Map<Slot, RTCRtpTransceiver>();
  private readonly queue = new SerialQueue();
  /** Layer pauses and resumes, one at a time (each reads the parameters the last one set). */
  private readonly layerChanges = new SerialQueue();
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private retryMs = RETRY_MS;
  private watch: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: PublisherDeps) {}

  /**
   * A new connection (the first, or again after our signaling came back); resolves once the SFU
   * answered, and tries again until it does. A retry still pending from before is dropped (it
   * would replace this connection), and the next one waits the shortest time again.
   */
  start(): Promise<void> {
    clearTimeout(this.retry);
    this.retryMs = RETRY_MS;
    return this.queue
      .run(() => this.connect())
      .catch((error: unknown) => {
        this.startOver();
        throw error;
      });
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc?.connectionState ?? 'new';
  }

  get connection(): RTCPeerConnection | null {
    return this.pc;
  }

  /**
   * Whether our connection still reaches an SFU that holds it: connected, nothing being negotiated,
   * and the SFU's receiver reports still coming. Not so after the server (and so its SFU) restarted.
   */
  async reachesSfu(): Promise<boolean> {
    const pc = this.pc;
    if (this.closed || !pc || pc.connectionState !== 'connected' || pc.signalingState !== 'stable') return false;
    return (await silentForMs(pc)) < SFU_SILENT_MS;
  }

  /**
   * Sends only the layers of the camera or screen that the SFU says someone is shown (the smallest
   * always): the encoder stops on the others, and starts one again, with a key frame, once asked.
   * A new connection sends every layer until the SFU says otherwise.
   */
  setLayers(slot: 'video' | 'screen', active: readonly boolean[]): void {
    const sender = this.transceivers.get(slot)?.sender;
    if (!sender) return;
    void this.layerChanges
      .run(async () => {
        const parameters = sender.getParameters();
        if (parameters.encodings.length !== active.length) return;
        if (parameters.encodings.every((encoding, i) => (encoding.active ?? true) === active[i])) return;
        parameters.encodings.forEach((encoding, i) => (encoding.active = active[i]));
        await sender.setParameters(parameters);
      })
      .catch((error: unknown) => console.warn(`could not pause or resume layers of the ${slot}`, error));
  }

  setTracks(tracks: SlotTracks): void {
    for (const [slot, transceiver] of this.transceivers) void transceiver.sender.replaceTrack(tracks[slot]).catch(() => undefined);
    if ((tracks.screen || tracks.screenAudio) && !this.transceivers.has('screen')) {
      void this.queue.run(() => this.addScreenSlots()).catch((error: unknown) => console.warn('could not add the screen to the SFU connection', error));
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.watch);
    this.pc?.close();
    this.pc = null;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.pc?.close();
    this.transceivers.clear();
    const pc = this.deps.createConnection({ iceServers: this.deps.iceServers(), bundlePolicy: 'max-bundle' });
    this.pc = pc;
    pc.addEventListener('connectionstatechange', () => {
      if (pc !== this.pc) return;
      clearTimeout(this.watch);
      if (pc.connectionState === 'connected') this.retryMs = RETRY_MS;
      else if (pc.connectionState === 'failed') this.startOver();
      else if (pc.connectionState === 'disconnected')
        this.watch = setTimeout(() => pc === this.pc && pc.connectionState !== 'connected' && this.startOver(), DISCONNECTED_MS);
    });
    const tracks = this.deps.localTracks();
    this.addSlot(pc, 'audio', tracks);
    this.addSlot(pc, 'video', tracks);
    if (tracks.screen || tracks.screenAudio) {
      this.addSlot(pc, 'screen', tracks);
      this.addSlot(pc, 'screenAudio', tracks);
    }
    await this.negotiate(pc, true);
  }

  private startOver(): void {
    if (this.closed) return;
    clearTimeout(this.retry);
    const wait = this.retryMs;
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    this.retry = setTimeout(() => void this.queue.run(() => this.connect()).catch(() => this.startOver()), wait);
  }

  private addSlot(pc: RTCPeerConnection, slot: Slot, tracks: SlotTracks): void {
    const layers = slot === 'video' ? CAMERA_LAYERS : slot === 'screen' ? SCREEN_LAYERS : undefined;
    const transceiver = pc.addTransceiver(tracks[slot] ?? SLOT_KIND[slot], {
      direction: 'sendonly',
      streams: [this.deps.stream],
      ...(layers ? { sendEncodings: layers.map((layer) => ({ ...layer })) } : {}),
    });
    this.transceivers.set(slot, transceiver);
  }

  private async addScreenSlots(): Promise<void> {
    const pc = this.pc;
    if (!pc || this.transceivers.has('screen')) return;
    const tracks = this.deps.localTracks();
    this.addSlot(pc, 'screen', tracks);
    this.addSlot(pc, 'screenAudio', tracks);
    await this.negotiate(pc, false);
  }

  private async negotiate(pc: RTCPeerConnection, fresh: boolean): Promise<void> {
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await gatheredDescription(pc);
    const slots = [...this.transceivers].flatMap(([slot, t]) => (t.mid === null ? [] : [{ mid: t.mid, slot }]));
    const answer = await this.deps.signaling.publish({ sdp, fresh, slots });
    if (pc !== this.pc) return;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  }
}

import { SerialQueue } from '@shared/serial';
import type { ConnectionFactory } from '../mesh/slot-transceivers';
import { SLOT_KIND, type Slot, type SlotTracks } from '../slots';
import { CAMERA_LAYERS, SCREEN_LAYERS, gatheredDescription, type SfuSignaling } from './sfu-signaling';

export interface PublisherDeps {
  createConnection: ConnectionFactory;
  iceServers(): RTCIceServer[];
  signaling: SfuSignaling;
  localTracks(): SlotTracks;
  stream: MediaStream;
}

/** After the connection failed, how long before a new one is made. */
const RETRY_MS = 1000;

/**
 * Our one sending connection to the SFU: the microphone, the camera as three layers, and (from the
 * first share on) the screen as three layers and its sound. Turning a slot on or off is a
 * replaceTrack; adding the screen slots renegotiates; a failed connection is made anew.
 */
export class SfuPublisher {
  private pc: RTCPeerConnection | null = null;
  private readonly transceivers = new Map<Slot, RTCRtpTransceiver>();
  private readonly queue = new SerialQueue();
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: PublisherDeps) {}

  /** The first connection; resolves once the SFU answered. */
  start(): Promise<void> {
    return this.queue.run(() => this.connect());
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc?.connectionState ?? 'new';
  }

  get connection(): RTCPeerConnection | null {
    return this.pc;
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
      if (pc === this.pc && pc.connectionState === 'failed') this.startOver();
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
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.queue.run(() => this.connect()).catch(() => this.startOver()), RETRY_MS);
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

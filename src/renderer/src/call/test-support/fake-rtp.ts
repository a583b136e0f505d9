import { FakeTrack } from './fake-media';
import { sends } from './fake-sdp';

/** What a transceiver tells its connection: a direction change may need a negotiation. */
export interface TransceiverOwner {
  readonly name: string;
  directionChanged(): void;
}

/** The fake connection's transceiver: a mid once negotiated, a direction, and what it sends and receives. */
export class FakeTransceiver {
  mid: string | null = null;
  stopped = false;
  /** What the last negotiation settled: how media flows, and what the other side's description said. */
  currentDirection: RTCRtpTransceiverDirection | null = null;
  remoteDirection: RTCRtpTransceiverDirection = 'sendrecv';
  /** It has sent at some point: addTrack no longer takes it over. */
  everSent = false;
  readonly sender: FakeSender;
  readonly receiver: FakeReceiver;
  private wanted: RTCRtpTransceiverDirection;

  constructor(
    private readonly pc: TransceiverOwner,
    readonly kind: 'audio' | 'video',
    direction: RTCRtpTransceiverDirection,
    track: FakeTrack | null,
    readonly createdByAddTrack: boolean,
    sendEncodings?: readonly RTCRtpEncodingParameters[],
  ) {
    this.wanted = direction;
    this.sender = new FakeSender(track, sendEncodings);
    this.receiver = new FakeReceiver(new FakeTrack(kind, `remote ${kind} of ${pc.name}`));
  }

  get direction(): RTCRtpTransceiverDirection {
    return this.wanted;
  }

  set direction(direction: RTCRtpTransceiverDirection) {
    if (direction === this.wanted) return;
    this.wanted = direction;
    this.pc.directionChanged();
  }

  setDirectionQuietly(direction: RTCRtpTransceiverDirection): void {
    this.wanted = direction;
  }

  /** A negotiation settled this transceiver: how media flows now, and what the other side's description said. */
  negotiated(current: RTCRtpTransceiverDirection, remote: RTCRtpTransceiverDirection): void {
    this.currentDirection = current;
    this.remoteDirection = remote;
    if (sends(current)) this.everSent = true;
  }
}

export class FakeSender {
  streams: unknown[] = [];
  private parameters: { transactionId: string; encodings: RTCRtpEncodingParameters[] };

  /** With `sendEncodings` (simulcast layers), as addTransceiver was given them, each active unless said. */
  constructor(
    public track: FakeTrack | null,
    sendEncodings: readonly RTCRtpEncodingParameters[] = [{}],
  ) {
    this.parameters = { transactionId: '0', encodings: sendEncodings.map((e) => ({ ...e, active: e.active ?? true })) };
  }

  async replaceTrack(track: FakeTrack | null): Promise<void> {
    await Promise.resolve();
    this.track = track;
  }

  setStreams(...streams: unknown[]): void {
    this.streams = streams;
  }

  getParameters(): { transactionId: string; encodings: RTCRtpEncodingParameters[] } {
    return { transactionId: this.parameters.transactionId, encodings: this.parameters.encodings.map((e) => ({ ...e })) };
  }

  async setParameters(parameters: { encodings: RTCRtpEncodingParameters[] }): Promise<void> {
    await Promise.resolve();
    this.parameters = { transactionId: String(Number(this.parameters.transactionId) + 1), encodings: parameters.encodings.map((e) => ({ ...e })) };
  }
}

export class FakeReceiver {
  constructor(readonly track: FakeTrack) {}

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    await Promise.resolve();
    return new Map();
  }
}

/**
 * Stand-ins for the media objects the call engine passes around, for unit tests in Node (which has
 * no MediaStreamTrack or MediaStream). They carry what the engine reads of them; the engine only
 * hands them on to the connection, which here is the fake of fake-peer-connection.ts.
 */
let tracks = 0;

export class FakeTrack extends EventTarget {
  readonly id = `track-${++tracks}`;
  enabled = true;
  muted = false;
  readyState: MediaStreamTrackState = 'live';

  constructor(
    readonly kind: 'audio' | 'video',
    /** Who made it, for a test's messages ("alice's camera"). */
    readonly label = '',
  ) {
    super();
  }

  /** Media starts arriving on a received track. */
  unmute(): void {
    this.muted = false;
    this.dispatchEvent(new Event('unmute'));
  }

  getSettings(): MediaTrackSettings {
    return this.kind === 'video' ? { width: 1280, height: 720 } : {};
  }

  stop(): void {
    this.readyState = 'ended';
  }
}

/** A fake track, typed as what the engine takes. */
export function fakeTrack(kind: 'audio' | 'video', label = ''): MediaStreamTrack {
  return new FakeTrack(kind, label) as unknown as MediaStreamTrack;
}

/** A fake stream: the engine only names it in its transceivers. */
export function fakeStream(): MediaStream {
  return { id: `stream-${++tracks}` } as unknown as MediaStream;
}

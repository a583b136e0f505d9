import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalMedia } from './local-media';
import { FakeTrack } from './test-support/fake-media';

/** getUserMedia whose answers the test gives, one request at a time. */
class DeviceRequests {
  readonly pending: Array<{ kind: 'audio' | 'video'; resolve: () => void; reject: (error: unknown) => void }> = [];
  readonly opened: FakeTrack[] = [];

  getUserMedia = (constraints: MediaStreamConstraints): Promise<MediaStream> => {
    const kind = constraints.video ? 'video' : 'audio';
    return new Promise((resolve, reject) => {
      this.pending.push({
        kind,
        resolve: () => {
          const track = new FakeTrack(kind);
          this.opened.push(track);
          resolve({ getTracks: () => [track] } as unknown as MediaStream);
        },
        reject,
      });
    });
  };

  /** Answers every request of this kind made so far. */
  answer(kind: 'audio' | 'video', error?: unknown): number {
    const now = this.pending.filter((p) => p.kind === kind);
    for (const p of now) {
      this.pending.splice(this.pending.indexOf(p), 1);
      if (error) p.reject(error);
      else p.resolve();
    }
    return now.length;
  }

  cameras(): FakeTrack[] {
    return this.opened.filter((t) => t.kind === 'video');
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

let devices: DeviceRequests;
beforeEach(() => {
  devices = new DeviceRequests();
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: devices.getUserMedia } });
  vi.stubGlobal(
    'MediaStream',
    class {
      addTrack(): void {}
      removeTrack(): void {}
    },
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('the camera switch while the camera starts', () => {
  it('reads on while the camera opens, so the first click turns it off, and the camera that then opens is closed', async () => {
    const media = new LocalMedia();
    const started = media.start();
    expect(media.state.get().cameraEnabled).toBe(true);

    // The user clicks the switch that says the camera is on.
    await media.setCameraEnabled(!media.state.get().cameraEnabled);
    expect(media.state.get().cameraEnabled).toBe(false);

    devices.answer('audio');
    devices.answer('video');
    await started;
    expect(media.state.get()).toMatchObject({ cameraEnabled: false, videoTrack: null });
    expect(devices.cameras().map((t) => t.readyState)).toEqual(['ended']);
  });

  it('does not open a second camera when told to turn on while it is already starting', async () => {
    const media = new LocalMedia();
    const started = media.start();
    const turnedOn = media.setCameraEnabled(true);
    expect(devices.pending.filter((p) => p.kind === 'video')).toHaveLength(1);
    devices.answer('audio');
    devices.answer('video');
    await Promise.all([started, turnedOn]);
    expect(media.state.get().cameraEnabled).toBe(true);
    expect(devices.cameras().map((t) => t.readyState)).toEqual(['live']);
  });

  it('off and on again while it starts: one camera ends up open, and it is on', async () => {
    const media = new LocalMedia();
    const started = media.start();
    await media.setCameraEnabled(false);
    const again = media.setCameraEnabled(true);
    expect(media.state.get().cameraEnabled).toBe(true);
    devices.answer('audio');
    expect(devices.answer('video')).toBe(2);
    await Promise.all([started, again]);
    await settle();
    expect(media.state.get().cameraEnabled).toBe(true);
    expect(devices.cameras().filter((t) => t.readyState === 'live')).toHaveLength(1);
    expect(media.videoTrack).toBe(devices.cameras().find((t) => t.readyState === 'live'));
  });

  it('reads off once a camera that cannot be opened has failed, with the reason', async () => {
    const media = new LocalMedia();
    const started = media.start();
    devices.answer('audio');
    devices.answer('video', new DOMException('no camera', 'NotFoundError'));
    await started;
    expect(media.state.get()).toMatchObject({ cameraEnabled: false, error: 'No camera was found.' });
  });
});

describe('the camera switch before the devices start', () => {
  it('reads on, and turned off there the start opens no camera', async () => {
    const media = new LocalMedia();
    expect(media.state.get().cameraEnabled).toBe(true);
    await media.setCameraEnabled(!media.state.get().cameraEnabled);
    const started = media.start();
    devices.answer('audio');
    expect(devices.answer('video')).toBe(0);
    await started;
    expect(media.state.get()).toMatchObject({ cameraEnabled: false, videoTrack: null });
  });

  it('turned off and on again there, the start opens one camera', async () => {
    const media = new LocalMedia();
    await media.setCameraEnabled(false);
    await media.setCameraEnabled(true);
    const started = media.start();
    devices.answer('audio');
    expect(devices.answer('video')).toBe(1);
    await started;
    expect(media.state.get().cameraEnabled).toBe(true);
    expect(devices.cameras().map((t) => t.readyState)).toEqual(['live']);
  });
});

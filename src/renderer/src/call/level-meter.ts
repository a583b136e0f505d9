/**
 * The loudness of an audio track, 0..1, read on demand from a Web Audio analyser.
 * One AudioContext is shared by every meter of the page, and suspended while no meter is open:
 * a running context renders (silence) on an audio output all the time, a cost every meeting
 * would pay after the pre-join screen's meter is gone.
 */
let shared: AudioContext | null = null;
let openMeters = 0;
let suspendTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Suspending stops the audio output with a call that blocks the page (up to 40 ms seen on a busy
 * machine). The pre-join meter closes as the person joins, right while their first connection is
 * negotiated: the context is suspended a little later instead.
 */
const SUSPEND_AFTER_MS = 2000;

export interface LevelMeter {
  level(): number;
  close(): void;
}

export function createLevelMeter(track: MediaStreamTrack): LevelMeter {
  shared ??= new AudioContext();
  const context = shared;
  clearTimeout(suspendTimer);
  void context.resume().catch(() => undefined);
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  analyser.smoothingTimeConstant = 0.3;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  openMeters += 1;
  let closed = false;
  return {
    level() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      // -60 dBFS .. 0 dBFS mapped onto 0..1
      const db = 20 * Math.log10(rms || 1e-9);
      return Math.min(1, Math.max(0, (db + 60) / 60));
    },
    close() {
      if (closed) return;
      closed = true;
      source.disconnect();
      analyser.disconnect();
      openMeters -= 1;
      if (openMeters > 0) return;
      clearTimeout(suspendTimer);
      suspendTimer = setTimeout(() => {
        if (openMeters === 0) void context.suspend().catch(() => undefined);
      }, SUSPEND_AFTER_MS);
    },
  };
}

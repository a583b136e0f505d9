/**
 * The loudness of an audio track, 0..1, read on demand from a Web Audio analyser.
 * One AudioContext is shared by every meter of the page.
 */
let shared: AudioContext | null = null;

export interface LevelMeter {
  level(): number;
  close(): void;
}

export function createLevelMeter(track: MediaStreamTrack): LevelMeter {
  shared ??= new AudioContext();
  const context = shared;
  void context.resume().catch(() => undefined);
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  analyser.smoothingTimeConstant = 0.3;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
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
      source.disconnect();
      analyser.disconnect();
    },
  };
}

import ffmpeg from 'fluent-ffmpeg';
import { describe, expect, it } from 'vitest';
import { useFfmpegForFluent } from './fluent';
import { locateFfmpeg } from './locate';

describe('fluent-ffmpeg', () => {
  it('runs the binary the app located (here the system ffmpeg, whose device demuxers it then lists)', async () => {
    useFfmpegForFluent(locateFfmpeg());
    const formats = await new Promise<Record<string, { canDemux: boolean }>>((resolve, reject) =>
      ffmpeg.getAvailableFormats((error, found) => (error ? reject(error) : resolve(found))),
    );
    expect(formats.pulse?.canDemux).toBe(true);
    expect(formats.alsa?.canDemux).toBe(true);
    expect(formats.dshow).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { CaptureRequestSchema, type CaptureSource } from '@shared/ipc/capture';
import { captureArgs, probeArgs, PROTOCOL_WHITELIST } from './args';

/** The value FFmpeg reads as its input: the argument right after -i. */
const input = (args: string[]): string => args[args.indexOf('-i') + 1]!;

describe("FFmpeg's command line for a capture", () => {
  it('puts what the user typed only after -i, and holds each kind of input to the protocols it needs', () => {
    const url = 'http://cam.local:8080/video?x=-f%20lavfi';
    const http = captureArgs({ source: { kind: 'url', url }, media: 'video' });
    expect(input(http)).toBe(url);
    expect(http.filter((a) => a === '-i')).toHaveLength(1);
    expect(http[http.indexOf('-protocol_whitelist') + 1]).toBe(PROTOCOL_WHITELIST.http);

    const rtsp = captureArgs({ source: { kind: 'url', url: 'rtsp://user:pw@10.0.0.9/stream1' }, media: 'audio' });
    expect(rtsp[rtsp.indexOf('-protocol_whitelist') + 1]).toBe(PROTOCOL_WHITELIST.rtsp);
    expect(rtsp[rtsp.indexOf('-rtsp_transport') + 1]).toBe('tcp');
    // A live stream is looked at for 1 s before it plays, not FFmpeg's 5 s of its real time.
    for (const args of [http, rtsp, probeArgs({ kind: 'url', url })]) expect(args[args.indexOf('-analyzeduration') + 1]).toBe('1000000');

    // A path that looks like an option or a protocol stays a file: "file:" is prefixed and only "file" is allowed.
    const file = captureArgs({ source: { kind: 'file', path: '/tmp/-f lavfi concat:a|b.mp4' }, media: 'video' });
    expect(input(file)).toBe('file:/tmp/-f lavfi concat:a|b.mp4');
    expect(file[file.indexOf('-protocol_whitelist') + 1]).toBe('file');
    expect(file).toContain('-stream_loop');

    const device: CaptureSource = { kind: 'device', backend: 'dshow', id: 'HD Webcam C525' };
    expect(input(captureArgs({ source: device, media: 'video' }))).toBe('video=HD Webcam C525');
    expect(input(captureArgs({ source: { kind: 'device', backend: 'avfoundation', id: '1' }, media: 'audio' }))).toBe('none:1');
    expect(input(captureArgs({ source: { kind: 'device', backend: 'pulse', id: 'rt_null.monitor' }, media: 'audio' }))).toBe('rt_null.monitor');
  });

  it('asks for exactly the picture size and rate (I420) or 48 kHz mono float PCM on stdout', () => {
    const video = captureArgs({ source: { kind: 'test', tone: 440 }, media: 'video', video: { width: 640, height: 360, frameRate: 15 } });
    expect(input(video)).toBe('testsrc2=size=640x360:rate=15');
    expect(video[video.indexOf('-vf') + 1]).toContain('fps=15');
    expect(video.join(' ')).toContain('-f rawvideo -pix_fmt yuv420p pipe:1');
    const audio = captureArgs({ source: { kind: 'test', tone: 1000 }, media: 'audio' });
    expect(input(audio)).toBe('sine=frequency=1000:sample_rate=48000');
    expect(audio.join(' ')).toContain('-ac 1 -ar 48000 -f f32le pipe:1');
    expect(probeArgs({ kind: 'file', path: '/x.mp4' })).not.toContain('-re');
    expect(probeArgs({ kind: 'file', path: '/x.mp4' })).not.toContain('-stream_loop');
  });

  it('refuses, where a request is received, every source that is not a device, an rtsp/http(s) URL, an absolute path or the test pattern', () => {
    const refused = [
      { source: { kind: 'url', url: 'file:///etc/passwd' }, media: 'video' },
      { source: { kind: 'url', url: 'concat:/a.mp4|/b.mp4' }, media: 'video' },
      { source: { kind: 'url', url: 'http://x/ -f lavfi' }, media: 'video' },
      { source: { kind: 'file', path: 'relative/movie.mp4' }, media: 'video' },
      { source: { kind: 'file', path: '/tmp/a\nb' }, media: 'video' },
      { source: { kind: 'lavfi', graph: 'movie=/etc/passwd' }, media: 'video' },
      { source: { kind: 'test', tone: 440, extra: '-y' }, media: 'video' },
      { source: { kind: 'test', tone: 440 }, media: 'video', video: { width: 1281, height: 720, frameRate: 30 } },
      { source: { kind: 'test', tone: 440 }, media: 'video', args: ['-f', 'lavfi'] },
    ];
    for (const request of refused) expect(CaptureRequestSchema.safeParse(request).success, JSON.stringify(request)).toBe(false);
    expect(CaptureRequestSchema.safeParse({ source: { kind: 'file', path: 'C:\\Users\\ada\\clip.mp4' }, media: 'video' }).success).toBe(true);
    expect(CaptureRequestSchema.safeParse({ source: { kind: 'url', url: 'rtsps://cam/live' }, media: 'audio' }).success).toBe(true);
  });
});

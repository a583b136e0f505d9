import type { FfmpegBackend } from '@shared/ipc/devices';
import { CAPTURE_AUDIO, DEFAULT_VIDEO_FORMAT, type CaptureMedia, type CaptureRequest, type CaptureSource, type VideoFormat } from '@shared/ipc/capture';

/**
 * FFmpeg's arguments for a capture. A user's string (a device id, a URL, a path) only ever appears
 * as the value right after `-i`, never where FFmpeg reads an option, and network and file inputs
 * are held to the protocols they need with `-protocol_whitelist` (an HLS playlist cannot make
 * FFmpeg open local files, a path cannot be `concat:` or `pipe:`).
 */

/** Protocols each kind of input may use, including what its demuxer opens on its own (HLS segments, RTP). */
export const PROTOCOL_WHITELIST = {
  http: 'http,https,tcp,tls,crypto',
  rtsp: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  file: 'file',
} as const;

/** How long a network source may stay silent before FFmpeg gives up on it (microseconds). */
const NETWORK_TIMEOUT_US = '10000000';

/**
 * How much of a network stream FFmpeg reads to learn its streams before it opens them (microseconds).
 * Its default, 5 s, is 5 s of a live stream's real time: an HTTP camera measured here took 5.4 s to
 * probe and 5.9 s more to its first frame, 11 s from "Add" to a picture; with 1 s, 1.4 s and 2.0 s.
 * A live stream's streams and codecs show in its first second (MPEG-TS tables, RTSP's SDP), and
 * the capture rescales and resamples whatever the stream's rate, so nothing depends on the rest.
 */
const NETWORK_ANALYZE_US = '1000000';

/** What comes before `-i` for a network stream: low latency, a short look at it, a read timeout, the whitelist. */
function networkInput(url: string): string[] {
  const protocol = new URL(url).protocol;
  const live = ['-fflags', 'nobuffer', '-flags', 'low_delay', '-analyzeduration', NETWORK_ANALYZE_US];
  if (protocol === 'rtsp:' || protocol === 'rtsps:') {
    return [...live, '-protocol_whitelist', PROTOCOL_WHITELIST.rtsp, '-rtsp_transport', 'tcp', '-timeout', NETWORK_TIMEOUT_US, '-i', url];
  }
  return [...live, '-protocol_whitelist', PROTOCOL_WHITELIST.http, '-rw_timeout', NETWORK_TIMEOUT_US, '-i', url];
}

/** The input part of the command line for one medium of a source. */
export function inputArgs(source: CaptureSource, media: CaptureMedia, format: VideoFormat = DEFAULT_VIDEO_FORMAT): string[] {
  switch (source.kind) {
    case 'device':
      return deviceInput(source.backend, source.id, media);
    case 'url':
      return networkInput(source.url);
    case 'file':
      // Played at its own speed, in a loop, like a camera that never stops.
      return ['-re', '-stream_loop', '-1', '-protocol_whitelist', PROTOCOL_WHITELIST.file, '-i', `file:${source.path}`];
    case 'test':
      return media === 'video'
        ? ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${format.width}x${format.height}:rate=${format.frameRate}`]
        : ['-re', '-f', 'lavfi', '-i', `sine=frequency=${source.tone}:sample_rate=${CAPTURE_AUDIO.sampleRate}`];
  }
}

function deviceInput(backend: FfmpegBackend, id: string, media: CaptureMedia): string[] {
  switch (backend) {
    case 'dshow':
      return ['-f', 'dshow', '-i', `${media === 'video' ? 'video' : 'audio'}=${id}`];
    case 'avfoundation':
      return ['-f', 'avfoundation', '-i', media === 'video' ? `${id}:none` : `none:${id}`];
    case 'v4l2':
      return ['-f', 'v4l2', '-i', id];
    case 'pulse':
      return ['-f', 'pulse', '-fragment_size', '1920', '-i', id];
    case 'alsa':
      return ['-f', 'alsa', '-i', id];
  }
}

/** The output part: raw I420 pictures of exactly the asked size and rate, or 48 kHz mono float PCM, on stdout. */
export function outputArgs(media: CaptureMedia, format: VideoFormat = DEFAULT_VIDEO_FORMAT): string[] {
  if (media === 'video') {
    const { width: w, height: h, frameRate: r } = format;
    const filters = [
      `scale=${w}:${h}:force_original_aspect_ratio=decrease`,
      `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black`,
      'setsar=1',
      `fps=${r}`,
      'format=yuv420p',
    ].join(',');
    return ['-map', '0:v:0', '-an', '-sn', '-dn', '-vf', filters, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'];
  }
  return [
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-af',
    'aresample=async=1',
    '-ac',
    String(CAPTURE_AUDIO.channels),
    '-ar',
    String(CAPTURE_AUDIO.sampleRate),
    '-f',
    'f32le',
    'pipe:1',
  ];
}

/** The whole command line of a capture (without the binary). */
export function captureArgs(request: CaptureRequest): string[] {
  const format = request.video ?? DEFAULT_VIDEO_FORMAT;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    // Key=value progress lines on stderr once a second (dropped and duplicated frames).
    '-progress',
    'pipe:2',
    '-stats_period',
    '1',
    ...inputArgs(request.source, request.media, format),
    '-flush_packets',
    '1',
    ...outputArgs(request.media, format),
  ];
}

/** The arguments that make FFmpeg describe a source's streams without decoding it (it exits 1: no output given). */
export function probeArgs(source: CaptureSource): string[] {
  const input = inputArgs(source, 'video').filter((arg, i, all) => arg !== '-re' && !(arg === '-stream_loop' || all[i - 1] === '-stream_loop'));
  return ['-hide_banner', '-nostdin', ...input];
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpStreamServer {
  /** The stream's address: an MPEG-TS live stream, as IP cameras and encoders serve it over HTTP. */
  url: string;
  /** Requests so far. */
  requests(): number;
  /** Ends every stream now (the camera went away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * A live MPEG-TS stream over HTTP on loopback, made by FFmpeg from lavfi sources (one FFmpeg per
 * viewer, started when they connect): the picture is `video` (e.g. `color=c=0x2050e0:size=640x360:rate=30`),
 * the sound a sine tone of `tone` Hz.
 */
export async function startHttpStream(options: { video: string; tone?: number; port?: number }): Promise<HttpStreamServer> {
  const encoders = new Set<ChildProcess>();
  const responses = new Set<ServerResponse>();
  let count = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/live.ts') return void res.writeHead(404).end();
    count += 1;
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-re',
        '-f',
        'lavfi',
        '-i',
        options.video,
        '-re',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${options.tone ?? 660}:sample_rate=48000`,
        '-c:v',
        'mpeg2video',
        '-q:v',
        '3',
        '-g',
        '15',
        '-bf',
        '0',
        '-c:a',
        'mp2',
        '-f',
        'mpegts',
        '-flush_packets',
        '1',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    encoders.add(ffmpeg);
    responses.add(res);
    res.writeHead(200, { 'content-type': 'video/mp2t', 'cache-control': 'no-cache' });
    ffmpeg.stdout!.pipe(res);
    const end = (): void => {
      encoders.delete(ffmpeg);
      responses.delete(res);
      ffmpeg.kill('SIGKILL');
    };
    res.once('close', end);
    ffmpeg.once('exit', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/live.ts`,
    requests: () => count,
    close: async () => {
      for (const ffmpeg of encoders) ffmpeg.kill('SIGKILL');
      for (const res of responses) res.destroy();
      // Connections cut as the server closes, not after: Node's close waits for every one.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

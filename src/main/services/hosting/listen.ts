import type { Server } from 'node:net';

/** How many ports after the preferred one to try before letting the system pick any free one. */
export const PORT_FALLBACKS = 10;

/**
 * Listens on `preferred`, or the next free port after it, or any free port: a taken port is not
 * an error. Resolves with the port actually used. Other errors (no such address, no permission)
 * reject.
 */
export async function listenWithFallback(server: Server, host: string, preferred: number, fallbacks = PORT_FALLBACKS): Promise<number> {
  const candidates = preferred === 0 ? [0] : [...Array.from({ length: fallbacks + 1 }, (_, i) => preferred + i).filter((p) => p <= 65535), 0];
  let lastError: Error | undefined;
  for (const port of candidates) {
    try {
      return await listenOnce(server, host, port);
    } catch (error) {
      lastError = error as Error;
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw lastError ?? new Error('no port to listen on');
}

function listenOnce(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

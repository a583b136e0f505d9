import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignalingServer } from '../app.js';

export interface OpsOptions {
  /** Serve Prometheus metrics at /metrics (off unless asked: put it behind the proxy, or a firewall). */
  metrics?: boolean;
}

/**
 * The operator's endpoints: `/healthz` (the process answers), `/readyz` (it can take meetings: the
 * store answers and the meetings a restart interrupted are back, and a node of a cluster reaches
 * Redis and holds its lease; 503 otherwise, and while it stops) and `/metrics`. Returns false for any other path, for the next handler.
 */
export function createOpsHandler(signaling: SignalingServer, options: OpsOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8'): true => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(body);
      return true;
    };
    if (path === '/healthz') return send(200, 'ok');
    if (path === '/readyz') return (await signaling.isReady()) ? send(200, 'ready') : send(503, 'not ready');
    if (path === '/metrics' && options.metrics) return send(200, await signaling.metrics.registry.metrics(), signaling.metrics.registry.contentType);
    return false;
  };
}

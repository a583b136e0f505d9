#!/usr/bin/env node
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { createSignalingServer } from './app.js';
import { childLauncher } from './sfu/child-launcher.js';
import { startSfu, type RunningSfu } from './sfu/gateway.js';
import { SqliteStore } from './store/sqlite-store.js';
import { PostgresStore } from './store/postgres-store.js';
import type { ServerStore } from './store/store.js';
import { createOpsHandler } from './ops/ops-handler.js';
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { RedisCluster } from './cluster/redis-cluster.js';
import { createWebClientHandler } from './http/web-client.js';
import { consoleLogger } from './logger.js';
import { limitsFromRates } from './limits/index.js';
import { formatFingerprint, loadOrCreateCertificate, readCertificateFiles, spkiHashOf, type TlsCredentials } from './tls/index.js';
import { fail, readOptions, type Options } from './cli-options.js';

/** `roundtable-server`: starts the server the command line asks for (`cli-options.ts`) and stops it on SIGINT/SIGTERM. */

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
}

async function credentials(options: Options): Promise<{ tls: TlsCredentials; note: string } | null> {
  switch (options.tls.kind) {
    case 'none':
      return null;
    case 'files': {
      const tls = await readCertificateFiles(options.tls.cert, options.tls.key);
      return { tls, note: `certificate ${options.tls.cert}` };
    }
    case 'self-signed': {
      const name = hostname();
      const stored = await loadOrCreateCertificate({
        dataDir: options.dataDir,
        commonName: `Roundtable on ${name}`,
        dnsNames: [name, `${name}.local`, 'localhost'],
        ipAddresses: [...lanAddresses(), '127.0.0.1', '::1'],
      });
      return { tls: stored, note: `self-signed certificate ${stored.created ? 'made now' : 'kept'} in ${stored.certPath}` };
    }
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!options) return;
  let tls: Awaited<ReturnType<typeof credentials>>;
  try {
    tls = await credentials(options);
  } catch (error) {
    fail((error as Error).message, 1);
  }

  const handler = createWebClientHandler(options.webRoot);
  // The operator's endpoints come first once the signaling server exists (it is made on this server).
  const first: { ops?: ReturnType<typeof createOpsHandler> } = {};
  const serve = (req: IncomingMessage, res: ServerResponse): void =>
    void (async () => {
      if (first.ops && (await first.ops(req, res))) return;
      await handler(req, res);
    })();
  const server = tls ? createHttpsServer({ cert: tls.tls.cert, key: tls.tls.key }, serve) : createHttpServer(serve);
  let store: ServerStore;
  try {
    store = options.databaseUrl ? await PostgresStore.open(options.databaseUrl) : await SqliteStore.open(join(options.dataDir, 'chat.db'));
  } catch (error) {
    fail(`cannot open the ${options.databaseUrl ? 'database' : 'chat database'}: ${(error as Error).message}`, 1);
  }
  let clustering: { cluster: RedisCluster; adapter: ReturnType<typeof createAdapter> } | undefined;
  if (options.redisUrl) {
    try {
      const cluster = await RedisCluster.connect(options.redisUrl, consoleLogger, options.nodeName);
      const adapterClient = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      adapterClient.on('error', (error: Error) => consoleLogger.warn(`redis (adapter): ${error.message}`));
      clustering = { cluster, adapter: createAdapter(adapterClient) };
    } catch (error) {
      fail(`cannot reach Redis: ${(error as Error).message}`, 1);
    }
  }
  const signaling = createSignalingServer(
    server,
    {
      log: consoleLogger,
      store,

      ...(options.nodeName ? { node: options.nodeName } : {}),
      ...(clustering ? { cluster: clustering.cluster, adapter: clustering.adapter } : {}),
    },
    {
      allowedOrigins: options.allowedOrigins,
      ...(options.publicUrl ? { extraHostNames: [new URL(options.publicUrl).hostname] } : {}),
      trustProxy: options.trustProxy,
      addressLimits: { maxConnections: options.maxConnectionsPerAddress },
      chatRetentionMs: options.chatRetentionDays * 24 * 60 * 60_000,
      files: { maxFileBytes: options.maxFileBytes, maxBytesPerMeeting: options.meetingFileBytes },
      maxRoomSize: options.maxRoomSize,
      ice: options.ice,
      limits: limitsFromRates(options.eventsPerSecond, options.bytesPerSecond),
      sfuFrom: options.sfuFrom,
    },
  );
  first.ops = createOpsHandler(signaling, { metrics: options.metrics });
  // Big meetings move to the SFU, a process of its own, bound where the server listens. It starts
  // alongside: the server takes meetings at once, and they can move once it is ready.
  let sfu: RunningSfu | null = null;
  const sfuStarting =
    options.sfuFrom === null
      ? Promise.resolve()
      : startSfu(
          childLauncher,
          { bindAddress: options.host === '::' ? '0.0.0.0' : options.host, portRangeBegin: options.sfuPorts.begin, portRangeEnd: options.sfuPorts.end },
          consoleLogger,
        ).then(
          (running) => {
            sfu = running;
            signaling.attachSfu(running);
            process.stdout.write(`  meetings of ${options.sfuFrom} or more people go through the SFU (${running.version})\n`);
          },
          (error: unknown) =>
            process.stderr.write(`roundtable-server: running without the SFU (every meeting stays peer to peer): ${(error as Error).message}\n`),
        );
  server.on('error', (error) => fail(`cannot listen on ${options.host}:${options.port}: ${error.message}`, 1));
  // It listens once the meetings a restart interrupted are back: until then a join would only wait
  // for them, and the pages retrying every half second come in the moment it can take them.
  await signaling.ready.catch(() => undefined);
  server.listen(options.port, options.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const scheme = tls ? 'https' : 'http';
    const out = (line: string): boolean => process.stdout.write(`${line}\n`);
    out(`Roundtable server listening on ${options.host}:${port} (${tls ? `HTTPS/WSS, ${tls.note}` : 'HTTP'})`);
    if (!options.webRoot) out('(no --web-root: serving signaling only)');
    if (tls) {
      out(`  certificate SHA-256 fingerprint ${formatFingerprint(tls.tls.fingerprint)}`);
      if (options.tls.kind === 'self-signed') {
        out('  browsers warn once about a self-signed certificate: compare the fingerprint, then proceed');
        out(`  (Chromium for tests: --ignore-certificate-errors-spki-list=${spkiHashOf(tls.tls.cert)})`);
      }
    }
    const pin = tls && options.tls.kind === 'self-signed' ? `?fp=${tls.tls.fingerprint}` : '';
    for (const url of urlsFor(scheme, options.host, port)) out(`  open ${url}${pin}`);
    if (options.publicUrl) out(`  share ${options.publicUrl}`);
    if (options.ice.turn) out(`  TURN relay ${options.ice.turn.urls.join(', ')} (credentials per participant)`);
  });

  const stop = (): void => {
    process.stdout.write('stopping\n');
    void signaling
      .close()
      .then(() => sfuStarting)
      .then(() => (sfu as RunningSfu | null)?.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function urlsFor(scheme: string, host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}/`];
  const addresses = lanAddresses();
  return (addresses.length > 0 ? addresses : ['127.0.0.1']).map((address) => `${scheme}://${address}:${port}/`);
}

void main();

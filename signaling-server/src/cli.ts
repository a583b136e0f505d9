#!/usr/bin/env node
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { createSignalingServer } from './app.js';
import { createWebClientHandler } from './http/web-client.js';
import { consoleLogger } from './logger.js';

const HELP = `roundtable-server: Roundtable's signaling server and web client

  --host <address>     interface to listen on (env HOST; default 0.0.0.0)
  --port <number>      port to listen on, 0 for any free one (env PORT; default 8443)
  --web-root <folder>  built web client to serve (env ROUNDTABLE_WEB_ROOT)
  --help               show this
`;

function main(): void {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'web-root': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const host = values.host ?? process.env.HOST ?? '0.0.0.0';
  const port = Number(values.port ?? process.env.PORT ?? 8443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`roundtable-server: --port must be 0-65535, got "${values.port ?? process.env.PORT}"\n`);
    process.exit(2);
  }
  const webRoot = values['web-root'] ?? process.env.ROUNDTABLE_WEB_ROOT;

  const handler = createWebClientHandler(webRoot);
  const http = createServer((req, res) => void handler(req, res));
  const signaling = createSignalingServer(http, { log: consoleLogger });
  http.on('error', (error) => {
    process.stderr.write(`roundtable-server: cannot listen on ${host}:${port}: ${error.message}\n`);
    process.exit(1);
  });
  http.listen(port, host, () => {
    const address = http.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    process.stdout.write(`Roundtable server listening on ${host}:${actual}\n`);
    if (!webRoot) process.stdout.write('(no --web-root: serving signaling only)\n');
    for (const url of urlsFor(host, actual)) process.stdout.write(`  open ${url}\n`);
  });

  const stop = (): void => {
    process.stdout.write('stopping\n');
    void signaling.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function urlsFor(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}/`];
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((info) => info && info.family === 'IPv4')
    .map((info) => info!.address);
  return addresses.map((address) => `http://${address}:${port}/`);
}

main();

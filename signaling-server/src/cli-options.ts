import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SFU_FROM } from './app.js';
import { FILE_LIMITS } from './protocol/index.js';
import { DEFAULT_TURN_TTL_SECONDS, validateIceConfig, type IceConfig } from './ice/ice-servers.js';
import { DEFAULT_ADDRESS_LIMITS, DEFAULT_CONNECTION_LIMITS, DEFAULT_MAX_ROOM_SIZE, DESKTOP_APP_ORIGIN, parseOriginList } from './limits/index.js';

/** The server's command line: what `roundtable-server` accepts, checked, or a clear refusal. */
const HELP = `roundtable-server: Roundtable's signaling server and web client

  --host <address>      interface to listen on (env HOST; default 0.0.0.0)
  --port <number>       port to listen on, 0 for any free one (env PORT; default 8443)
  --web-root <folder>   built web client to serve (env ROUNDTABLE_WEB_ROOT)

  TLS (plain HTTP unless one of these is given):
  --tls-cert <file>     serve HTTPS/WSS with this PEM certificate (chain allowed) (env ROUNDTABLE_TLS_CERT)
  --tls-key <file>      and its PEM private key (env ROUNDTABLE_TLS_KEY)
  --self-signed         serve HTTPS/WSS with a certificate of its own, made on first use and
                        kept in the data folder (env ROUNDTABLE_SELF_SIGNED=1); ignored when
                        --tls-cert/--tls-key are given
  --http                plain HTTP even when ROUNDTABLE_SELF_SIGNED is set (e.g. behind a
                        reverse proxy that terminates TLS)

  --public-url <url>    the address people use to reach this server when it is not one of
                        its own (a reverse proxy, a DNS name); printed as the link to share
                        (env ROUNDTABLE_PUBLIC_URL)
  --data-dir <folder>   where the server keeps its certificate, the meetings it runs (so a
                        restart resumes them) and their chat (chat.db) (env ROUNDTABLE_DATA_DIR;
                        default ~/.roundtable-server)
  --database-url <url>  keep chat and meeting records in PostgreSQL (postgres://…) instead of
                        the data folder's SQLite file; the schema is migrated at start (env
                        ROUNDTABLE_DATABASE_URL, preferred: a flag shows in the process list)
  --redis-url <url>     run as one node of several (redis://…): meetings, who is in them and
                        the limits are shared through Redis, broadcasts go through Socket.IO's
                        Redis streams adapter; needs --database-url (env ROUNDTABLE_REDIS_URL)
  --node-name <name>    this server's name in metrics and logs (env ROUNDTABLE_NODE_NAME;
                        default the host name)
  --metrics             serve Prometheus metrics at /metrics (counts only; keep it behind the
                        proxy) (env ROUNDTABLE_METRICS=1); /healthz and /readyz always answer
  --chat-retention-days <n>  how long a meeting's chat stays after it ends when its host chose
                        to keep it; otherwise chat goes with the meeting (env
                        ROUNDTABLE_CHAT_RETENTION_DAYS; default 30)
  --max-file-mb <n>     the largest file people may share in a meeting's chat; each meeting's
                        host may allow less; 0 turns files off (env ROUNDTABLE_MAX_FILE_MB;
                        default ${FILE_LIMITS.maxFileBytes / 1024 / 1024}). Files are kept with the chat (the data
                        folder's files/, or the database) and go with it
  --meeting-files-mb <n>  what one meeting's files may add up to (env
                        ROUNDTABLE_MEETING_FILES_MB; default ${FILE_LIMITS.maxBytesPerMeeting / 1024 / 1024})

  Hostile input:
  --allowed-origins <list>  comma-separated browser origins that may connect besides pages this
                        server served (its own names at its port) and the desktop app
                        (${DESKTOP_APP_ORIGIN}); '*' allows any (env ROUNDTABLE_ALLOWED_ORIGINS)
  --trust-proxy         behind one reverse proxy: take the client's address from the last
                        X-Forwarded-For entry (env ROUNDTABLE_TRUST_PROXY=1); never without a proxy
  --max-connections-per-address <n>  open connections from one address (env
                        ROUNDTABLE_MAX_CONNECTIONS_PER_ADDRESS; default ${DEFAULT_ADDRESS_LIMITS.maxConnections})
  --max-room-size <n>   people in one meeting, waiting room included (env ROUNDTABLE_MAX_ROOM_SIZE;
                        default ${DEFAULT_MAX_ROOM_SIZE})
  --max-events-per-second <n>  per connection, sustained; bursts of 4 s allowed; excess is refused,
                        then the connection dropped (env ROUNDTABLE_MAX_EVENTS_PER_SECOND; default
                        ${DEFAULT_CONNECTION_LIMITS.eventsPerSecond})
  --max-bytes-per-second <n>   the same for bytes (env ROUNDTABLE_MAX_BYTES_PER_SECOND; default
                        ${DEFAULT_CONNECTION_LIMITS.bytesPerSecond})
  --stun-urls <list>    comma-separated stun: URLs handed to every participant (env ROUNDTABLE_STUN_URLS)
  --turn-urls <list>    comma-separated turn:/turns: URLs of a TURN server run with a shared secret
                        (coturn: use-auth-secret) (env ROUNDTABLE_TURN_URLS)
  --turn-secret-file <file>  that shared secret (env ROUNDTABLE_TURN_SECRET, preferred to a
                        flag that would show in the process list); each participant gets
                        credentials of their own
  --turn-ttl <seconds>  how long those credentials last (default ${DEFAULT_TURN_TTL_SECONDS})
  --sfu-from <n|off>    a meeting's media moves from the mesh to the SFU (a process of its own) when
                        it has this many people; 0 = from the start, off = never (env
                        ROUNDTABLE_SFU_FROM; default ${DEFAULT_SFU_FROM}). Through the SFU, media is
                        decrypted on this machine. With --redis-url each node runs an SFU and a
                        meeting's media goes through the one of the node that owns the meeting
  --sfu-ports <a-b>     UDP ports the SFU's connections use (env ROUNDTABLE_SFU_PORTS; default any)
  --help                show this
`;

export type Tls = { kind: 'none' } | { kind: 'files'; cert: string; key: string } | { kind: 'self-signed' };

export interface Options {
  host: string;
  port: number;
  webRoot: string | undefined;
  tls: Tls;
  publicUrl: string | undefined;
  dataDir: string;
  allowedOrigins: readonly string[] | '*';
  maxRoomSize: number;
  ice: IceConfig;
  eventsPerSecond: number;
  bytesPerSecond: number;
  trustProxy: boolean;
  maxConnectionsPerAddress: number;
  chatRetentionDays: number;
  maxFileBytes: number;
  meetingFileBytes: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  nodeName: string | undefined;
  metrics: boolean;
  /** null: never (no SFU process at all). */
  sfuFrom: number | null;
  sfuPorts: { begin: number; end: number };
}

export function fail(message: string, code = 2): never {
  process.stderr.write(`roundtable-server: ${message}\n`);
  process.exit(code);
}

export function readOptions(): Options | null {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'web-root': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'self-signed': { type: 'boolean' },
        http: { type: 'boolean' },
        'public-url': { type: 'string' },
        'data-dir': { type: 'string' },
        'allowed-origins': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'max-connections-per-address': { type: 'string' },
        'chat-retention-days': { type: 'string' },
        'max-file-mb': { type: 'string' },
        'meeting-files-mb': { type: 'string' },
        'database-url': { type: 'string' },
        'redis-url': { type: 'string' },
        'node-name': { type: 'string' },
        metrics: { type: 'boolean' },
        'sfu-from': { type: 'string' },
        'sfu-ports': { type: 'string' },
        'max-room-size': { type: 'string' },
        'stun-urls': { type: 'string' },
        'turn-urls': { type: 'string' },
        'turn-secret-file': { type: 'string' },
        'turn-ttl': { type: 'string' },
        'max-events-per-second': { type: 'string' },
        'max-bytes-per-second': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message} (see --help)`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return null;
  }
  const env = process.env;
  const host = values.host ?? env.HOST ?? '0.0.0.0';
  const portText = values.port ?? env.PORT ?? '8443';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) fail(`--port must be 0-65535, got "${portText}"`);

  const cert = values['tls-cert'] ?? env.ROUNDTABLE_TLS_CERT;
  const key = values['tls-key'] ?? env.ROUNDTABLE_TLS_KEY;
  if (Boolean(cert) !== Boolean(key)) fail('--tls-cert and --tls-key go together: give both, or neither');
  const selfSigned = values['self-signed'] === true || /^(1|true|yes)$/i.test(env.ROUNDTABLE_SELF_SIGNED ?? '');
  if (values.http && cert) fail('--http and --tls-cert/--tls-key contradict each other');
  const tls: Tls = cert && key ? { kind: 'files', cert, key } : selfSigned && !values.http ? { kind: 'self-signed' } : { kind: 'none' };

  const publicText = values['public-url'] ?? env.ROUNDTABLE_PUBLIC_URL;
  let publicUrl: string | undefined;
  if (publicText) {
    try {
      const parsed = new URL(publicText);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
      publicUrl = parsed.href;
    } catch {
      fail(`--public-url must be an http(s) address, got "${publicText}"`);
    }
  }
  const dataDir = resolve(values['data-dir'] ?? env.ROUNDTABLE_DATA_DIR ?? join(homedir(), '.roundtable-server'));
  const webRoot = values['web-root'] ?? env.ROUNDTABLE_WEB_ROOT;

  const count = (flag: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1) fail(`--${flag} must be a whole number of at least 1, got "${text}"`);
    return value;
  };
  const maxRoomSize = count('max-room-size', values['max-room-size'] ?? env.ROUNDTABLE_MAX_ROOM_SIZE, DEFAULT_MAX_ROOM_SIZE);
  const eventsPerSecond = count(
    'max-events-per-second',
    values['max-events-per-second'] ?? env.ROUNDTABLE_MAX_EVENTS_PER_SECOND,
    DEFAULT_CONNECTION_LIMITS.eventsPerSecond,
  );
  const bytesPerSecond = count(
    'max-bytes-per-second',
    values['max-bytes-per-second'] ?? env.ROUNDTABLE_MAX_BYTES_PER_SECOND,
    DEFAULT_CONNECTION_LIMITS.bytesPerSecond,
  );
  const maxConnectionsPerAddress = count(
    'max-connections-per-address',
    values['max-connections-per-address'] ?? env.ROUNDTABLE_MAX_CONNECTIONS_PER_ADDRESS,
    DEFAULT_ADDRESS_LIMITS.maxConnections,
  );
  const chatRetentionDays = count('chat-retention-days', values['chat-retention-days'] ?? env.ROUNDTABLE_CHAT_RETENTION_DAYS, 30);
  const megabytes = (flag: string, text: string | undefined, fallback: number, least: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || value < least || value > 1024 * 1024) fail(`--${flag} must be a number of megabytes, at least ${least}, got "${text}"`);
    return Math.round(value * 1024 * 1024);
  };
  const maxFileBytes = megabytes('max-file-mb', values['max-file-mb'] ?? env.ROUNDTABLE_MAX_FILE_MB, FILE_LIMITS.maxFileBytes, 0);
  const meetingFileBytes = megabytes('meeting-files-mb', values['meeting-files-mb'] ?? env.ROUNDTABLE_MEETING_FILES_MB, FILE_LIMITS.maxBytesPerMeeting, 1);
  const trustProxy = values['trust-proxy'] === true || /^(1|true|yes)$/i.test(env.ROUNDTABLE_TRUST_PROXY ?? '');
  const metrics = values.metrics === true || /^(1|true|yes)$/i.test(env.ROUNDTABLE_METRICS ?? '');
  const databaseUrl = values['database-url'] ?? env.ROUNDTABLE_DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('--database-url must be a postgres:// URL');
  const nodeName = values['node-name'] ?? env.ROUNDTABLE_NODE_NAME;
  const redisUrl = values['redis-url'] ?? env.ROUNDTABLE_REDIS_URL;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) fail('--redis-url must be a redis:// (or rediss://) URL');
  if (redisUrl !== undefined && databaseUrl === undefined) fail('--redis-url needs --database-url: the nodes must share one store for chat and meetings');
  let allowedOrigins: readonly string[] | '*';
  try {
    const listed = parseOriginList(values['allowed-origins'] ?? env.ROUNDTABLE_ALLOWED_ORIGINS ?? '');
    // The address people are told to use is always allowed (the desktop app always is).
    allowedOrigins = listed === '*' ? '*' : [...new Set([...(publicUrl ? [new URL(publicUrl).origin] : []), ...listed])];
  } catch (error) {
    fail(`--allowed-origins: ${(error as Error).message}`);
  }
  const list = (text: string | undefined): string[] =>
    (text ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const turnUrls = list(values['turn-urls'] ?? env.ROUNDTABLE_TURN_URLS);
  const secretFile = values['turn-secret-file'];
  let ice: IceConfig;
  try {
    const secret = secretFile ? readFileSync(secretFile, 'utf8').trim() : env.ROUNDTABLE_TURN_SECRET;
    if (turnUrls.length > 0 && !secret) throw new Error('--turn-urls needs the shared secret: --turn-secret-file or ROUNDTABLE_TURN_SECRET');
    if (secret && turnUrls.length === 0) throw new Error('a TURN secret was given without --turn-urls');
    ice = validateIceConfig({
      stunUrls: list(values['stun-urls'] ?? env.ROUNDTABLE_STUN_URLS),
      ...(secret ? { turn: { urls: turnUrls, secret, ttlSeconds: count('turn-ttl', values['turn-ttl'], DEFAULT_TURN_TTL_SECONDS) } } : {}),
    });
  } catch (error) {
    fail(`TURN/STUN: ${(error as Error).message}`);
  }
  const sfuFromText = values['sfu-from'] ?? process.env.ROUNDTABLE_SFU_FROM ?? String(DEFAULT_SFU_FROM);
  if (sfuFromText !== 'off' && !/^\d+$/.test(sfuFromText)) fail(`--sfu-from must be a whole number or "off", got "${sfuFromText}"`);
  const sfuFrom = sfuFromText === 'off' ? null : Number(sfuFromText);
  const portsText = values['sfu-ports'] ?? process.env.ROUNDTABLE_SFU_PORTS ?? '0-0';
  const ports = /^(\d+)-(\d+)$/.exec(portsText);
  const sfuPorts = ports ? { begin: Number(ports[1]), end: Number(ports[2]) } : null;
  if (!sfuPorts || sfuPorts.begin > sfuPorts.end || sfuPorts.end > 65535) fail(`--sfu-ports must be two port numbers like 40000-40100, got "${portsText}"`);
  return {
    sfuFrom,
    sfuPorts,
    host,
    port,
    webRoot,
    tls,
    publicUrl,
    dataDir,
    allowedOrigins,
    maxRoomSize,
    ice,
    eventsPerSecond,
    bytesPerSecond,
    trustProxy,
    maxConnectionsPerAddress,
    chatRetentionDays,
    maxFileBytes,
    meetingFileBytes,
    databaseUrl,
    redisUrl,
    nodeName,
    metrics,
  };
}

import { createHmac } from 'node:crypto';
import { JoinedReplySchema } from '../protocol/replies.js';
import type { IceServer } from '../protocol/index.js';

/**
 * The STUN and TURN servers the meeting server hands to each participant when they join, so calls
 * work across NATs. TURN credentials follow the "TURN REST API" convention that coturn implements
 * with `use-auth-secret`: the username is `<expiry, unix seconds>:<participant id>` and the password
 * is base64(HMAC-SHA1(shared secret, username)). The secret never leaves the server, and a leaked
 * credential stops working when it expires.
 */
export interface IceConfig {
  /** `stun:` URLs, handed out as they are. */
  stunUrls?: readonly string[];
  /** `turn:`/`turns:` URLs sharing one secret with the TURN server. */
  turn?: { urls: readonly string[]; secret: string; ttlSeconds?: number };
}

/**
 * How long a TURN credential is good for when the configuration does not say. A TURN server (coturn)
 * checks it when a relay is allocated, not afterwards, so a call outlives it; clients ask for fresh
 * ones (`ice-servers`) while they are in a meeting, and get fresh ones with every join.
 */
export const DEFAULT_TURN_TTL_SECONDS = 10 * 60;

const STUN_URL = /^stuns?:[^\s?#]+(\?transport=(udp|tcp))?$/;
const TURN_URL = /^turns?:[^\s?#]+(\?transport=(udp|tcp))?$/;

/** Checks a configuration (from the command line); throws with a message naming what is wrong. */
export function validateIceConfig(config: IceConfig): IceConfig {
  for (const url of config.stunUrls ?? []) if (!STUN_URL.test(url)) throw new Error(`"${url}" is not a stun: or stuns: URL`);
  if (config.turn) {
    if (config.turn.urls.length === 0) throw new Error('a TURN secret needs at least one turn: URL');
    for (const url of config.turn.urls) if (!TURN_URL.test(url)) throw new Error(`"${url}" is not a turn: or turns: URL`);
    if (config.turn.secret.length < 16) throw new Error('the TURN secret must be at least 16 characters');
    const ttl = config.turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 60) throw new Error('the TURN credential lifetime must be a whole number of seconds, at least 60');
  }
  // What participants get must pass their own check of the join reply (how many URLs, how long).
  const handedOut = JoinedReplySchema.shape.iceServers.safeParse(iceServersFor(config, 'a-participant-id', Date.now()));
  if (!handedOut.success) {
    const issue = handedOut.error.issues[0];
    throw new Error(`participants would refuse these servers: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return config;
}

/** What `participantId` gets in its join reply at `nowMs`: empty when nothing is configured. */
export function iceServersFor(config: IceConfig, participantId: string, nowMs: number): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls?.length) servers.push({ urls: [...config.stunUrls] });
  if (config.turn) {
    const expiry = Math.floor(nowMs / 1000) + (config.turn.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS);
    const username = `${expiry}:${participantId}`;
    const credential = createHmac('sha1', config.turn.secret).update(username).digest('base64');
    servers.push({ urls: [...config.turn.urls], username, credential });
  }
  return servers;
}

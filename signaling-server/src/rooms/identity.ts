import { createHash } from 'node:crypto';

/**
 * A participant's id is derived from the secret their client keeps for the meeting: a client that
 * reconnects, even to a restarted server, gets the same id back, and nobody without the secret can
 * take it over.
 */
export function participantIdFromSecret(secret: string): string {
  return createHash('sha256').update(`roundtable/participant/${secret}`).digest('base64url').slice(0, 16);
}

import { LIMITS } from '../protocol/index.js';
import type { ConnectionLimits } from './rate-limit.js';

/**
 * Generous for people, tight for floods. Joining a full room sends an offer and a handful of ICE
 * candidates to each of the others (about 120 events and 200 KB for 20 people), and a chat outbox
 * can flush a hundred messages at once after a reconnect: the bursts allow that; the sustained
 * rates are several times what a call needs once it is up.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  eventsPerSecond: 100,
  eventBurst: 400,
  bytesPerSecond: 256 * 1024,
  byteBurst: 1024 * 1024,
  maxStrikes: 30,
  forgivePerSecond: 3,
  // The payload limit plus Socket.IO's framing (packet type, ack id, event name).
  maxFrameBytes: LIMITS.maxPayloadBytes + 64,
};

/** People in one meeting, waiting room included: 25 through the SFU (a mesh gives out past five or six). */
export const DEFAULT_MAX_ROOM_SIZE = 25;

/** Bursts allow four seconds' worth of the sustained rate. */
export function limitsFromRates(eventsPerSecond?: number, bytesPerSecond?: number): Partial<ConnectionLimits> {
  return {
    ...(eventsPerSecond !== undefined ? { eventsPerSecond, eventBurst: eventsPerSecond * 4 } : {}),
    ...(bytesPerSecond !== undefined ? { bytesPerSecond, byteBurst: bytesPerSecond * 4 } : {}),
  };
}

import type { Logger } from '../logger.js';
import type { SfuGateway } from '../rooms/sfu-gateway.js';
import { SfuEventSchema, type SfuChannel, type SfuCommand, type SfuEvent, type SfuLauncher, type SfuProcessOptions, type SfuStats } from './control.js';

/** How long the SFU process may take to start, and to answer a request. */
const READY_MS = 30_000;
const REPLY_MS = 10_000;

/** The SFU process, running: what the rooms ask of it (SfuGateway), its counters, and how to stop it. */
export interface RunningSfu extends SfuGateway {
  /** Its WebRTC stack, as it says. */
  readonly version: string;
  stats(): Promise<SfuStats>;
  /** Called if the process ends without being stopped (a crash). */
  onExit(listener: (code: number | null) => void): void;
  stop(): Promise<void>;
}

export const DEFAULT_SFU_PROCESS_OPTIONS: SfuProcessOptions = {
  bindAddress: '0.0.0.0',
  portRangeBegin: 0,
  portRangeEnd: 0,
  loudestOnlyFrom: 10,
  loudest: 3,
};

type Pending = { resolve: (event: SfuEvent & { t: 'reply' }) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> };

/**
 * Starts the SFU process with `launch` (a child process, or Electron's utilityProcess) and resolves
 * once it says it is ready. Every event it sends is checked (SfuEventSchema) before it is used.
 */
export async function startSfu(launch: SfuLauncher, options: Partial<SfuProcessOptions> = {}, log?: Logger): Promise<RunningSfu> {
  const channel = launch({ ...DEFAULT_SFU_PROCESS_OPTIONS, ...options });
  const pending = new Map<number, Pending>();
  const offerListeners: Array<Parameters<SfuGateway['onOffer']>[0]> = [];
  const layersListeners: Array<Parameters<SfuGateway['onLayers']>[0]> = [];
  const exitListeners: Array<(code: number | null) => void> = [];
  let nextReq = 1;
  let stopping = false;
  let markReady: (version: string) => void = () => undefined;
  let failStart: (error: Error) => void = () => undefined;
  const ready = new Promise<string>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });

  channel.onEvent((raw) => {
    const parsed = SfuEventSchema.safeParse(raw);
    if (!parsed.success) return log?.warn(`SFU sent something unexpected: ${parsed.error.issues[0]?.message ?? ''}`);
    const event = parsed.data;
    switch (event.t) {
      case 'ready':
        return markReady(event.version);
      case 'reply':
      case 'failed': {
        const waiting = pending.get(event.req);
        if (!waiting) return;
        pending.delete(event.req);
        clearTimeout(waiting.timer);
        if (event.t === 'reply') waiting.resolve(event);
        else waiting.reject(new Error(event.message));
        return;
      }
      case 'offer':
        for (const listener of offerListeners) listener(event);
        return;
      case 'layers':
        for (const listener of layersListeners) listener(event);
        return;
      case 'log':
        if (event.level === 'info') log?.info(`SFU: ${event.message}`);
        else if (event.level === 'warn') log?.warn(`SFU: ${event.message}`);
        else log?.error(`SFU: ${event.message}`);
    }
  });
  channel.onExit((code) => {
    failStart(new Error(`the SFU process ended before it was ready (code ${code})`));
    for (const waiting of pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error('the SFU process ended'));
    }
    pending.clear();
    if (!stopping) {
      log?.error(`the SFU process ended (code ${code}): meetings on it lose their media until they rejoin`);
      for (const listener of exitListeners) listener(code);
    }
  });

  const request = (command: (req: number) => SfuCommand): Promise<SfuEvent & { t: 'reply' }> =>
    new Promise((resolve, reject) => {
      const req = nextReq++;
      const timer = setTimeout(() => {
        pending.delete(req);
        reject(new Error('the SFU did not answer in time'));
      }, REPLY_MS);
      pending.set(req, { resolve, reject, timer });
      channel.send(command(req));
    });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const version = await Promise.race([
    ready,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the SFU process did not start in time')), READY_MS);
    }),
  ]).catch(async (error: unknown) => {
    stopping = true;
    await channel.stop();
    throw error;
  });
  clearTimeout(timer);

  return {
    version,
    async publish(meeting, member, offer) {
      const reply = await request((req) => ({ t: 'publish', req, meeting, member, ...offer }));
      if (!reply.sdp) throw new Error('the SFU answered without an SDP');
      return reply.sdp;
    },
    subscribe: (meeting, member, resume = false) => channel.send({ t: 'subscribe', meeting, member, ...(resume ? { resume } : {}) }),
    answer: (meeting, member, sdp, revision) => channel.send({ t: 'answer', meeting, member, sdp, revision }),
    view: (meeting, member, views) => channel.send({ t: 'view', meeting, member, views }),
    mute: (meeting, member, muted) => channel.send({ t: 'mute', meeting, member, muted }),
    leave: (meeting, member) => channel.send({ t: 'leave', meeting, member }),
    end: (meeting) => channel.send({ t: 'end', meeting }),
    onOffer: (listener) => void offerListeners.push(listener),
    onLayers: (listener) => void layersListeners.push(listener),
    async stats() {
      const reply = await request((req) => ({ t: 'stats', req }));
      if (!reply.stats) throw new Error('the SFU answered without its counters');
      return reply.stats;
    },
    onExit: (listener) => void exitListeners.push(listener),
    async stop() {
      stopping = true;
      await channel.stop();
    },
  };
}

export type { SfuChannel, SfuLauncher };

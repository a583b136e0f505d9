import { summarizeStats, type LinkStats } from '../call/stats';
import type { AppController } from './app-controller';

/**
 * A read-only window onto the running call, as `window.roundtable` — for people debugging a
 * meeting from the devtools console, and for the end-to-end tests.
 */
export interface Diagnostics {
  selfId(): string | null;
  participants(): Array<{ id: string; name: string; connection: RTCPeerConnectionState }>;
  stats(participantId: string): Promise<LinkStats | null>;
}

export function installDiagnostics(controller: AppController): void {
  const session = () => controller.state.get().session;
  const diagnostics: Diagnostics = {
    selfId: () => session()?.state.get().self?.id ?? null,
    participants: () =>
      session()
        ?.state.get()
        .participants.map(({ id, name, connection }) => ({ id, name, connection })) ?? [],
    stats: async (id) => {
      const pc = session()?.connectionTo(id);
      return pc ? summarizeStats(await pc.getStats()) : null;
    },
  };
  Object.defineProperty(window, 'roundtable', { value: Object.freeze(diagnostics), configurable: false, writable: false });
}

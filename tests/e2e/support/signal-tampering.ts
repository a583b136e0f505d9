import { createHash, randomBytes } from 'node:crypto';

/**
 * Init scripts (page.addInitScript) that make a page lose or delay signaling messages, and give
 * it a known identity, for tests of what perfect negotiation does when the network misbehaves.
 */

/** The server's id for a secret (signaling-server/src/rooms/identity.ts). */
export const idOf = (secret: string): string => createHash('sha256').update(`roundtable/participant/${secret}`).digest('base64url').slice(0, 16);
export const newSecret = (): string => randomBytes(24).toString('base64url');

/** Two secrets whose ids compare as asked: the first one's id is the smaller (the impolite side) or not. */
export function secretsWhere(firstIsImpolite: boolean): [string, string] {
  for (;;) {
    const [a, b] = [newSecret(), newSecret()];
    if (idOf(a) < idOf(b) === firstIsImpolite) return [a, b];
  }
}

/** The participant's secret for every meeting is `secret` (so their id is known in advance). */
export const useSecret = (secret: string): string => `(() => {
  const get = Storage.prototype.getItem;
  Storage.prototype.getItem = function (key) { return String(key).startsWith('roundtable.secret:') ? ${JSON.stringify(secret)} : get.call(this, key); };
})();`;

/**
 * The first offer or answer relayed to this page never reaches the app ('lose'), or reaches it 4 s
 * late ('delay'). `window.__tampered` counts it.
 */
export const tamperFirstDescription = (how: 'lose' | 'delay'): string => `(() => {
  const Native = window.WebSocket;
  window.__tampered = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (window.__tampered === 0 && typeof event.data === 'string' && /^42\\["signal",\\{"from":"[^"]+","kind":"description"/.test(event.data)) {
          window.__tampered += 1;
          event.stopImmediatePropagation();
          ${how === 'delay' ? "setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: event.data })), 4000);" : ''}
        }
      });
    }
  };
})();`;

/**
 * Every ICE candidate relayed to this page within `ms` of the first one never reaches the app:
 * all of a new connection's, none of an ICE restart's a few seconds later. `window.__lost` counts them.
 */
export const loseCandidatesFor = (ms: number): string => `(() => {
  const Native = window.WebSocket;
  let until = null;
  window.__lost = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string' || !/^42\\["signal",\\{"from":"[^"]+","kind":"candidate"/.test(event.data)) return;
        until ??= Date.now() + ${ms};
        if (Date.now() >= until) return;
        window.__lost += 1;
        event.stopImmediatePropagation();
      });
    }
  };
})();`;

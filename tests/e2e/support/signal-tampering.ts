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
 * An init script that shows the app's WebSocket messages carrying a relayed `signal` of `kind` (a
 * regular expression's text) to `handle` first (JavaScript, with `event` and the socket as `this` in
 * scope), which may withhold one with `event.stopImmediatePropagation()`. `window.__tampered` starts at 0, for `handle` to count.
 */
const onRelayedSignal = (kind: string, handle: string): string => `(() => {
  const Native = window.WebSocket;
  window.__tampered = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string' || !/^42\\["signal",\\{"from":"[^"]+","kind":"${kind}"/.test(event.data)) return;
        ${handle}
      });
    }
  };
})();`;

/**
 * The first offer or answer relayed to this page never reaches the app ('lose'), or reaches it 4 s
 * late ('delay'). `window.__tampered` counts it.
 */
export const tamperFirstDescription = (how: 'lose' | 'delay'): string =>
  onRelayedSignal(
    'description',
    `if (window.__tampered > 0) return;
        window.__tampered += 1;
        event.stopImmediatePropagation();
        ${how === 'delay' ? "setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: event.data })), 4000);" : ''}`,
  );

/**
 * Every ICE candidate relayed to this page within `ms` of the first one never reaches the app:
 * all of a new connection's, none of an ICE restart's a few seconds later. That includes the ones
 * an offer or answer carries in its SDP (a first offer made ahead of the join has them all).
 * `window.__tampered` counts them.
 */
export const loseCandidatesFor = (ms: number): string =>
  onRelayedSignal(
    '(candidate|description)',
    `window.__lostUntil ??= Date.now() + ${ms};
        if (Date.now() >= window.__lostUntil) return;
        const [name, body] = JSON.parse(event.data.slice(2));
        if (body.kind === 'candidate') {
          window.__tampered += 1;
          return event.stopImmediatePropagation();
        }
        const lines = body.description.sdp.split('\\r\\n');
        const kept = lines.filter((line) => !line.startsWith('a=candidate:'));
        if (kept.length === lines.length) return;
        window.__tampered += lines.length - kept.length;
        event.stopImmediatePropagation();
        body.description.sdp = kept.join('\\r\\n');
        this.dispatchEvent(new MessageEvent('message', { data: '42' + JSON.stringify([name, body]) }));`,
  );

/** Every offer and answer relayed to this page is kept in `window.__descriptions`, in order. */
export const recordDescriptions = (): string =>
  onRelayedSignal('description', `(window.__descriptions ??= []).push(JSON.parse(event.data.slice(2))[1].description);`);

/** The page's `event` request (a `42<ack id>["event",…]` WebSocket frame) leaves `ms` late, as over a slow network. */
export const delayRequest = (event: string, ms: number): string => `(() => {
  const send = WebSocket.prototype.send;
  const named = ${JSON.stringify('[' + JSON.stringify(event))};
  const isRequest = (data) => typeof data === 'string' && /^42\\d*\\[/.test(data) && data.replace(/^42\\d*/, '').startsWith(named);
  WebSocket.prototype.send = function (data) {
    if (isRequest(data)) setTimeout(() => send.call(this, data), ${ms});
    else send.call(this, data);
  };
})();`;

/** The page's join request leaves `ms` late, as over a slow network. */
export const delayJoinRequest = (ms: number): string => delayRequest('join', ms);

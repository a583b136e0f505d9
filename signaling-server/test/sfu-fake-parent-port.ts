/**
 * Preloaded into the SFU worker by sfu-control.test.ts: an Electron utilityProcess's
 * `process.parentPort` made in plain Node (messages in as `{ data }` events from stdin lines,
 * `postMessage` out as stdout lines), so the worker's Electron path runs without Electron.
 */
import { EventEmitter } from 'node:events';

class FakeParentPort extends EventEmitter {
  postMessage(message: unknown): void {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  }
}

const port = new FakeParentPort();
Object.assign(process, { parentPort: port });
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    port.emit('message', { data: JSON.parse(line) as unknown, ports: [] });
  }
});

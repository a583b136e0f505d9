/**
 * The SFU process: started by the meeting server (child-launcher.ts forks it; the desktop app
 * runs it as an Electron utilityProcess), it reads its settings from the environment variable
 * ROUNDTABLE_SFU, then takes commands and sends events over its IPC channel (control.ts). It ends
 * when that channel closes.
 */
import { cleanup, getLibraryVersion, initLogger } from 'node-datachannel';
import { type SfuProcessOptions, SfuProcessOptionsSchema } from '../control.js';
import { openParentPort } from './parent-port.js';
import { Sfu } from './sfu.js';

/** libdatachannel's own errors reach the server's log, this many a second at most. */
const STACK_LOGS_PER_SECOND = 10;

function readOptions(): SfuProcessOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(process.env.ROUNDTABLE_SFU ?? '');
  } catch {
    raw = undefined;
  }
  const parsed = SfuProcessOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(
      `roundtable sfu: ROUNDTABLE_SFU is not valid settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    process.exit(2);
  }
  return parsed.data;
}

const options = readOptions();
const port = openParentPort();
const sfu = new Sfu(options, (event) => port.send(event));

let logWindow = 0;
let logsInWindow = 0;
initLogger('Error', (_level, message) => {
  const second = Math.floor(Date.now() / 1000);
  if (second !== logWindow) {
    logWindow = second;
    logsInWindow = 0;
  }
  if (++logsInWindow <= STACK_LOGS_PER_SECOND) port.send({ t: 'log', level: 'error', message: `libdatachannel: ${message}`.slice(0, 1000) });
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  sfu.close();
  cleanup();
  process.exit(0);
}

// A fault in one meeting's callback must not end everyone's: it is logged, and the process goes on.
process.on('uncaughtException', (error) => {
  port.send({ t: 'log', level: 'error', message: `uncaught: ${error.stack ?? error.message}`.slice(0, 1000) });
});
port.onMessage((message) => sfu.receive(message));
port.onClose(stop);
process.once('SIGTERM', stop);
// Ctrl+C in a terminal reaches the whole process group, the SFU included: the server decides when
// its SFU ends (it closes the channel, or exits, which closes it), not the terminal.
process.on('SIGINT', () => undefined);
port.send({ t: 'ready', version: `libdatachannel ${getLibraryVersion()}` });

import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type SfuChannel, type SfuCommand, type SfuEvent, SfuEventSchema, type SfuLauncher, SfuProcessOptionsSchema } from './control.js';

/** How long `stop` waits for the process to end once its channel is closed, before killing it. */
const STOP_GRACE_MS = 3000;

export interface ChildLauncherSettings {
  /** The worker's entry point; by default the one next to this file (built: worker/main.js). */
  entry?: string | URL;
  /** Node flags for the child; by default none for the built worker, tsx's loader for the TypeScript one. */
  execArgv?: string[];
  /** Where the child's stdout and stderr go (default: this process's). */
  output?: 'inherit' | 'ignore';
}

/** The worker next to this module, and how to run it: built JavaScript, or TypeScript through tsx (tests, development). */
function defaultEntry(): { entry: URL; execArgv: string[] } {
  if (import.meta.url.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { entry: new URL('./worker/main.ts', import.meta.url), execArgv: ['--import', pathToFileURL(tsx).href] };
  }
  return { entry: new URL('./worker/main.js', import.meta.url), execArgv: [] };
}

/**
 * The SFU as a child process of the standalone server (`child_process.fork` of worker/main):
 * its settings go in the environment (ROUNDTABLE_SFU), commands and events over the IPC channel,
 * every event checked (control.ts) as it arrives. The child ends when the channel closes.
 */
export function createChildLauncher(settings: ChildLauncherSettings = {}): SfuLauncher {
  return (options) => {
    const checked = SfuProcessOptionsSchema.parse(options);
    const fallback = defaultEntry();
    const entry = settings.entry ?? fallback.entry;
    const output = settings.output ?? 'inherit';
    const child = fork(entry instanceof URL ? fileURLToPath(entry) : entry, [], {
      execArgv: settings.execArgv ?? (settings.entry === undefined ? fallback.execArgv : []),
      env: { ...process.env, ROUNDTABLE_SFU: JSON.stringify(checked) },
      stdio: ['ignore', output, output, 'ipc'],
      serialization: 'json',
    });
    return new ChildChannel(child);
  };
}

/** The launcher with the default settings. */
export const childLauncher: SfuLauncher = createChildLauncher();

class ChildChannel implements SfuChannel {
  private readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    // Without this, a failed spawn (or writing to a closed channel) would be an unhandled error.
    child.on('error', () => undefined);
  }

  /** Sent as given: the SFU checks every command it receives (and refuses a bad one). */
  send(command: SfuCommand): void {
    if (!this.child.connected) return;
    this.child.send(command, () => undefined); // a send failure means the process is gone: onExit says so
  }

  onEvent(listener: (event: SfuEvent) => void): void {
    this.child.on('message', (raw: unknown) => {
      const parsed = SfuEventSchema.safeParse(raw);
      listener(parsed.success ? parsed.data : { t: 'log', level: 'error', message: 'the SFU process sent a message that is not an SfuEvent' });
    });
  }

  onExit(listener: (code: number | null) => void): void {
    void this.exited.then(listener);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

import { utilityProcess } from 'electron';
import type { SfuChannel, SfuCommand, SfuEvent, SfuLauncher } from '@roundtable/signaling-server';

/**
 * The SFU in the desktop app: a utilityProcess of its own (never on the main process's event loop),
 * started by the hosting service with the meeting and stopped with it. What it sends is checked by
 * the hosting service's gateway (startSfu) before anything uses it.
 */
export function utilityProcessSfu(workerPath: string): SfuLauncher {
  return (options): SfuChannel => {
    const child = utilityProcess.fork(workerPath, [], {
      serviceName: 'Roundtable SFU',
      stdio: 'inherit',
      env: { ...process.env, ROUNDTABLE_SFU: JSON.stringify(options) },
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    return {
      send: (command: SfuCommand) => {
        if (!exited) child.postMessage(command);
      },
      onEvent: (listener) => void child.on('message', (message: unknown) => listener(message as SfuEvent)),
      onExit: (listener) => void child.once('exit', (code: number) => listener(code)),
      stop: () =>
        new Promise<void>((resolve) => {
          if (exited) return resolve();
          child.once('exit', () => resolve());
          child.kill();
        }),
    };
  };
}

import { startCli, type CliProcess } from './cli-process.js';

export interface ServerNode extends Omit<CliProcess, 'stop'> {
  name: string;
  /** Stops it (SIGKILL: as a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** One node of a cluster: the server command as an operator runs it, on loopback. */
export async function startNode(name: string, env: Record<string, string>, port = 0, extraArgs: string[] = []): Promise<ServerNode> {
  // Every node would start an SFU process of its own: only the tests that use one ask for it.
  const sfu = extraArgs.includes('--sfu-from') ? [] : ['--sfu-from', 'off'];
  const node = await startCli(`node ${name}`, ['--host', '127.0.0.1', '--port', String(port), '--http', '--node-name', name, ...sfu, ...extraArgs], { env });
  return { ...node, name, stop: (signal = 'SIGKILL') => node.stop(signal) };
}

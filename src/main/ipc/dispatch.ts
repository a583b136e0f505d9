import { z } from 'zod';
import { channelsOf, type ArgsOut, type Handler, type Handlers, type InvokeChannel, type ResultOut, type Sections } from '@shared/ipc/contract';
import { DesktopError, failed, succeeded, type IpcFailure, type IpcResult } from '@shared/ipc/result';
import { validate } from './validate';

/**
 * The Electron-free half of IPC registration: one request, from raw arguments to the envelope the
 * renderer gets. electron/ipc.ts registers it for every channel after its sender check; the
 * end-to-end tests' stand-ins for the preload call the very same function.
 */
export async function runChannel<C extends InvokeChannel>(channel: C, handler: Handler<C>, rawArgs: readonly unknown[]): Promise<IpcResult<ResultOut<C>>> {
  let args: ArgsOut<C>;
  try {
    // The arguments do not fit: a clear error, and the handler is not called.
    args = validate(channel.args as unknown as z.ZodType<ArgsOut<C>>, rawArgs, channel.name);
  } catch (error) {
    return failed(error);
  }
  let value: unknown;
  try {
    value = await handler(...args);
  } catch (error) {
    return failed(error);
  }
  // A result that does not fit the declared one is main's bug: it is not sent.
  const result = channel.result.safeParse(value);
  if (!result.success)
    return failed(new DesktopError('internal', `main's answer to "${channel.name}" does not fit its declared result: ${z.prettifyError(result.error)}`));
  return succeeded(result.data as ResultOut<C>);
}

/** A channel ready to answer: raw arguments in, an envelope out (never rejects). */
export type ChannelRunner = (rawArgs: readonly unknown[]) => Promise<IpcResult<unknown>>;

/** Every channel of `sections`, by name, each running its handler through runChannel. */
export function channelRunners<D extends Sections>(sections: D, handlers: NoInfer<Handlers<D>>): Map<string, ChannelRunner> {
  const byName = handlers as unknown as Record<string, Handler<InvokeChannel>>;
  const runners = new Map<string, ChannelRunner>();
  for (const channel of channelsOf(sections)) {
    const handler = byName[channel.name];
    if (!handler) throw new Error(`no handler for the channel "${channel.name}"`);
    runners.set(channel.name, (rawArgs) => runChannel(channel, handler, rawArgs));
  }
  return runners;
}

/** The envelope for a call from a frame that may not use the desktop API. */
export function forbiddenSender(channel: string): IpcFailure {
  return failed(new DesktopError('forbidden-sender', `refused "${channel}" from an untrusted frame`, { channel }));
}

/** The envelope for a channel nobody answers (a test's stand-in that offers only some). */
export function unavailable(channel: string): IpcFailure {
  return failed(new DesktopError('unavailable', `"${channel}" is not available here`, { channel }));
}

import { ipcRenderer, type IpcRendererEvent } from 'electron';
import { DESKTOP_EVENTS, type IpcEventName, type IpcEvents } from '@shared/ipc';
import type { EventChannel, Section, SectionBridge, Sections } from '@shared/ipc/contract';
import { DesktopError, failed, type IpcResult } from '@shared/ipc/result';
import { errorMessage } from '@shared/errors';

/**
 * Calls a request channel; resolves with main's envelope. What Electron itself throws (no handler,
 * an argument that cannot be cloned) becomes an envelope too: nothing is thrown across the bridge.
 */
export async function invokeChannel(channel: string, args: readonly unknown[]): Promise<IpcResult<unknown>> {
  try {
    return (await ipcRenderer.invoke(channel, ...args)) as IpcResult<unknown>;
  } catch (error) {
    // Electron words these "Error invoking remote method '<channel>': Error: …"; keep only the reason.
    const reason = errorMessage(error).replace(/^Error invoking remote method '[^']*': (\w*Error: )?/, '');
    return failed(new DesktopError('internal', `"${channel}" could not be called: ${reason}`, { channel }));
  }
}

/** One section of `window.desktop`, made from its channel definitions: each method invokes its channel. */
export function bridgeSection<S extends Section>(section: S): SectionBridge<S> {
  const methods = Object.entries(section).map(([method, channel]) => [method, (...args: unknown[]) => invokeChannel(channel.name, args)]);
  return Object.fromEntries(methods) as SectionBridge<S>;
}

/** Every section of `sections`. */
export function bridgeSections<D extends Sections>(sections: D): { [S in keyof D]: SectionBridge<D[S]> } {
  return Object.fromEntries(Object.entries(sections).map(([name, section]) => [name, bridgeSection(section)])) as { [S in keyof D]: SectionBridge<D[S]> };
}

const EVENTS = new Map<string, EventChannel>(DESKTOP_EVENTS.map((event) => [event.name, event]));

/**
 * A typed subscription to an event from the main process: only declared events, each payload
 * validated against its schema (a malformed one is dropped); the Electron event object never leaks.
 */
export function subscribe<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void {
  const definition = EVENTS.get(event);
  if (!definition) throw new TypeError(`"${event}" is not an event of the desktop app`);
  const wrapped = (_event: IpcRendererEvent, payload: unknown): void => {
    const parsed = definition.payload.safeParse(payload);
    if (parsed.success) listener(parsed.data as IpcEvents[E]);
    else console.warn(`dropped a malformed "${event}" event from main`);
  };
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
}

import type { DesktopApi, DesktopBridge } from '../desktop-api';
import type { Section, SectionApi, SectionBridge } from './contract';
import { unwrap, type IpcResult } from './result';

type BridgeMethod = (...args: unknown[]) => Promise<IpcResult<unknown>>;

/**
 * A section of the preload's bridge as the renderer uses it: each method resolves with the value
 * of main's envelope, or rejects with a DesktopError carrying its code, message and details.
 */
export function clientSection<S extends Section>(bridge: SectionBridge<S>): SectionApi<S> {
  const methods = Object.entries(bridge as Record<string, unknown>)
    .filter((entry): entry is [string, BridgeMethod] => typeof entry[1] === 'function')
    .map(([method, call]) => [method, async (...args: unknown[]) => unwrap(await call(...args))]);
  return Object.fromEntries(methods) as SectionApi<S>;
}

/** The renderer's desktop API over the preload's `window.desktop` (every section, and `on` as it is). */
export function desktopClient(bridge: DesktopBridge): DesktopApi {
  const sections = Object.entries(bridge).filter(([name, value]) => name !== 'on' && typeof value === 'object' && value !== null);
  const client = Object.fromEntries(sections.map(([name, section]) => [name, clientSection(section as SectionBridge<Section>)]));
  return { ...client, on: bridge.on } as unknown as DesktopApi;
}

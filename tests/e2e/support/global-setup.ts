import { rmSync } from 'node:fs';
import { build } from 'vite';
import { rendererConfig } from '../../../src/renderer/vite.renderer';
import { WEB_ROOT } from './paths';

/** Builds the web client once for the whole run; every test serves it from the real server. */
export default async function setup(): Promise<void> {
  rmSync(WEB_ROOT, { recursive: true, force: true });
  await build({ ...rendererConfig(WEB_ROOT), logLevel: 'warn', configFile: false });
}

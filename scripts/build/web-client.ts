import { build } from 'vite';
import { rendererConfig } from '../../src/renderer/vite.renderer';

/** Builds the renderer as the browser web client into `outDir` (tests and benchmarks serve it). */
export async function buildWebClient(outDir: string): Promise<void> {
  await build({ ...rendererConfig(outDir), logLevel: 'warn', configFile: false });
}

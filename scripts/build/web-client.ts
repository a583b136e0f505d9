import { build } from 'vite';
import { rendererConfig } from '../../src/renderer/vite.renderer';

/**
 * Builds the renderer as the browser web client into `outDir` (tests and benchmarks serve it).
 * Always a production build: the test runner sets NODE_ENV=test, which would otherwise give
 * React's (much slower) development build.
 */
export async function buildWebClient(outDir: string): Promise<void> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ ...rendererConfig(outDir), mode: 'production', logLevel: 'warn', configFile: false });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

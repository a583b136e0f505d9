import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';
import { projectRoot, sourceAliases } from '../../scripts/build/aliases';

/** The renderer build, used by electron-vite for the app and by the tests for the web client. */
export function rendererConfig(outDir = `${projectRoot}out/renderer`): UserConfig {
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: './',
    plugins: [react()],
    resolve: { alias: sourceAliases },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome130',
      sourcemap: true,
      reportCompressedSize: false,
      minify: true,
    },
  };
}

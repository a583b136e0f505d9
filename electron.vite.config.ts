import { defineConfig } from 'electron-vite';
import { sourceAliases } from './scripts/build/aliases.ts';
import { rendererConfig } from './src/renderer/vite.renderer.ts';

export default defineConfig({
  main: {
    resolve: { alias: sourceAliases },
    build: {
      // The signaling server is compiled into the app from source; its own dependencies stay external.
      externalizeDeps: { exclude: ['@roundtable/signaling-server'] },
      // The chat store's writer thread is a file of its own beside index.js (signaling-server/src/store/sqlite-store.ts finds it there).
      // So is the SFU, run as a utilityProcess (src/main/electron/sfu-process.ts).
      rollupOptions: {
        input: {
          index: 'src/main/index.ts',
          'sqlite-writer': 'signaling-server/src/store/sqlite-writer.ts',
          'sfu-worker': 'signaling-server/src/sfu/worker/main.ts',
        },
      },
    },
  },
  preload: {
    resolve: { alias: sourceAliases },
    build: {
      // A sandboxed preload must be one CommonJS file.
      externalizeDeps: false,
      rollupOptions: { input: { index: 'src/preload/index.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: rendererConfig(),
});

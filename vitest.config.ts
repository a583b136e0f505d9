import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sourceAliases } from './scripts/build/aliases.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Unit files at a time. Vitest's default is one less than the cores: one at a time on a 2-core
 * machine, where the unit run was then 45% idle (its servers, child processes and timers wait
 * more than they compute). Three at a time on two cores: 330 s -> 197 s, 4% idle (docs/testing.md).
 * Both projects run in one group, so they share the figure; the e2e files still run one at a time.
 */
const UNIT_WORKERS = '150%';

/**
 * Server tests that pace synthetic media through the real SFU process and judge rates and layers
 * (a bandwidth estimate, a bottleneck sized from what the publishers sent): they run alone, after
 * the other unit files, since beside two other files their publishers fall behind their own pace
 * (sfu-downlink failed so on a CI run with three files at a time).
 */
const PACED_MEDIA = [
  'signaling-server/test/sfu-downlink.test.ts',
  'signaling-server/test/sfu-forwarding.test.ts',
  'signaling-server/test/sfu-rtx.test.ts',
  'signaling-server/test/sfu-control.test.ts',
];

const UNIT_FILES = ['signaling-server/test/**/*.test.ts', 'src/**/*.test.ts', 'scripts/**/*.test.ts'];

/**
 * Unit files that replace modules or globals (`vi.mock`, `vi.stubGlobal`…): they run isolated, each
 * in a fresh module graph. The other unit files share their workers' module caches (`isolate:
 * false`): on two cores that saved 45 s of a 210 s run (about 90 of 370 core-seconds, mostly
 * imports; docs/testing.md). Found by reading the files, so a new one is isolated without a list to keep.
 */
const REPLACES_MODULES = /\bvi\.(?:mock|doMock|hoisted|stubGlobal|stubEnv)\(/;
const ISOLATED_UNIT_FILES = ['signaling-server/test', 'src', 'scripts'].flatMap((dir) =>
  readdirSync(here(`./${dir}`), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts') && !file.includes('node_modules'))
    .map((file) => `${dir}/${file}`)
    .filter((file) => REPLACES_MODULES.test(readFileSync(here(`./${file}`), 'utf8'))),
);

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    // The second one says why a test that passed on its retry failed first (tests/support/retry-reporter.ts).
    reporters: ['default', './tests/support/retry-reporter.ts'],
    // Each run's temporary folders in one, removed at the end (tests/support/temp-dir-setup.ts).
    globalSetup: ['tests/support/temp-dir-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          maxWorkers: UNIT_WORKERS,
          globalSetup: ['tests/support/unit-setup.ts'],
          include: UNIT_FILES,
          exclude: ['src/main/electron/**', 'src/preload/**', '**/node_modules/**', ...PACED_MEDIA, ...ISOLATED_UNIT_FILES],
          isolate: false,
          testTimeout: 20_000,
          // Hooks start real servers and make test media with FFmpeg: a loaded machine takes a while.
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-isolated',
          maxWorkers: UNIT_WORKERS,
          include: ISOLATED_UNIT_FILES,
          exclude: ['src/main/electron/**', 'src/preload/**', '**/node_modules/**', ...PACED_MEDIA],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'paced-media',
          include: PACED_MEDIA,
          // One file at a time, after the group above (a group of its own: another worker count).
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        resolve: { alias: { electron: here('./tests/fakes/electron.ts') } },
        test: {
          name: 'electron-shell',
          maxWorkers: UNIT_WORKERS,
          include: ['src/main/electron/**/*.test.ts', 'src/preload/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/support/global-setup.ts'],
          setupFiles: ['tests/e2e/support/browser-pool-setup.ts'],
          // Each test drives several Chromium processes; on two cores they run one file at a time.
          fileParallelism: false,
          // In one worker, one file after another: no new worker and imports per file, and a file's
          // idle browsers go on to the next (support/chromium.ts); each file still closes its
          // participants, servers and temporary folders itself.
          isolate: false,
          // Last, after the unit and paced-media groups, as Vitest runs files that may not run in
          // parallel (a group of its own: one worker).
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // `expect.poll` waits for what will happen, not for a deadline (those are explicit in each
          // test): Vitest's default of 1 s failed on a loaded machine, where a page can stall longer.
          expect: { poll: { timeout: 10_000 } },
          // A test that drives three to five browsers on two cores can starve for seconds at a
          // time on a loaded machine; one more try there, never in the unit tests (docs/testing.md).
          retry: 1,
        },
      },
    ],
  },
});

/**
 * npm run bench:devices — how quickly the app knows its devices. Prints one JSON object:
 *
 * - coldListingMs: one full FFmpeg listing with nothing cached (this OS's backends, each its own
 *   ffmpeg process, run at once), as at the very first start;
 * - cachedMenuReadyMs: from creating the catalogue (a cache on disk from an earlier run) to the
 *   Devices menu template built from its first snapshot — what the user waits for at start-up;
 * - hotplugDetectionMs: from a device appearing (a PulseAudio source added with pactl) and
 *   Chromium's `devicechange` being reported, to the catalogue's snapshot listing it (the debounce
 *   plus a light FFmpeg listing of audio backends).
 *
 * Uses the real FFmpeg (FFMPEG_PATH honoured) and a private PulseAudio server it starts and stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserDevice, DeviceSnapshot } from '../../src/shared/ipc/devices';
import { deviceMenuActions, deviceMenuTemplate } from '../../src/main/electron/device-menu';
import { createDeviceCatalogue, ffmpegLister } from '../../src/main/services/devices';
import { defaultBackends } from '../../src/main/services/ffmpeg/backends';
import { locateFfmpeg } from '../../src/main/services/ffmpeg/locate';
import { startPulseServer } from '../../src/main/services/ffmpeg/test-support/pulse';
import { log, summary } from './support/stats';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 12));
const HOTPLUGS = Math.max(5, Number(process.env.BENCH_HOTPLUGS ?? 10));
const DEBOUNCE_MS = 250;

const mic = (deviceId: string, label: string): BrowserDevice => ({ deviceId, kind: 'audioinput', label, groupId: deviceId });

async function main(): Promise<void> {
  const ffmpeg = locateFfmpeg();
  const pulse = await startPulseServer('bench_null');
  const dataDir = mkdtempSync(join(tmpdir(), 'rt-bench-devices-'));
  try {
    const platform = process.platform;
    log(`ffmpeg: ${ffmpeg.path} (${ffmpeg.source}); backends: ${defaultBackends(platform).join(', ')}`);

    log(`cold listings (${RUNS})…`);
    const cold: number[] = [];
    let devicesListed = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const list = ffmpegLister({ env: pulse.env, platform });
      const start = performance.now();
      const listing = await list();
      cold.push(performance.now() - start);
      devicesListed = listing.devices.length;
    }

    // A cache on disk, as an earlier run of the app leaves it.
    const warm = createDeviceCatalogue({ dataDir, env: pulse.env, platform });
    await warm.start();
    await warm.refresh();
    warm.reportBrowserDevices([mic('default', 'Default'), mic('m1', 'Monitor of Null Output')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    warm.dispose();

    log(`cached start-ups (${RUNS})…`);
    const menuReady: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const start = performance.now();
      const catalogue = createDeviceCatalogue({ dataDir, env: pulse.env, platform });
      const snapshot = await catalogue.start();
      const menu = deviceMenuTemplate(snapshot, deviceMenuActions(catalogue));
      menuReady.push(performance.now() - start);
      if (!menu.submenu || snapshot.ffmpeg.source !== 'cache') throw new Error('the menu was not built from the cache');
      // Let its background listing finish before the next round.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await catalogue.refresh();
      catalogue.dispose();
    }

    log(`hot-plugs (${HOTPLUGS})…`);
    const hotplug: number[] = [];
    const catalogue = createDeviceCatalogue({ dataDir, env: pulse.env, platform, hotplugDebounceMs: DEBOUNCE_MS });
    await catalogue.start();
    // start() lists afresh just after it returns; let that listing finish first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await catalogue.refresh();
    const browser = [mic('default', 'Default')];
    catalogue.reportBrowserDevices([...browser]);
    for (let i = 0; i < HOTPLUGS; i += 1) {
      const name = `bench_plug_${i}`;
      await pulse.addNullSink(name);
      const plugged = performance.now();
      const seen = new Promise<number>((resolve) => {
        const off = catalogue.onChange((snapshot: DeviceSnapshot) => {
          if (snapshot.entries.microphone.some((e) => e.ffmpeg?.id === `${name}.monitor`)) {
            off();
            resolve(performance.now());
          }
        });
      });
      // Chromium's devicechange, reported by the renderer.
      browser.push(mic(`plug-${i}`, `Monitor of Null Output ${i + 2}`));
      catalogue.reportBrowserDevices([...browser]);
      hotplug.push((await seen) - plugged);
      log(`  hot-plug ${i + 1}: ${hotplug.at(-1)!.toFixed(1)} ms`);
    }
    catalogue.dispose();

    const result = {
      benchmark: 'devices',
      unit: 'ms',
      ffmpeg: { path: ffmpeg.path, source: ffmpeg.source },
      backends: defaultBackends(platform),
      devicesListed,
      coldListingMs: { first: round(cold[0]!), ...summary(cold) },
      cachedMenuReadyMs: summary(menuReady),
      hotplugDetectionMs: { debounceMs: DEBOUNCE_MS, ...summary(hotplug) },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await pulse.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

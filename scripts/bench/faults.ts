/**
 * npm run bench:faults — how fast a two-person call recovers from each fault of issue 7, over
 * BENCH_RUNS runs (default 5). Prints one JSON object with p50/p95/min/max per fault:
 *
 * - serverRestartRejoinMs: the meeting server SIGKILLed and started again on the same port; ms from
 *   the moment it listens to each participant being back in the meeting (deadline: 2 s);
 * - linkDropVideoBackMs: Bob's network (signaling and media) gone for 5 s in a network namespace;
 *   ms from the link's return to each seeing the other's video move again (deadline: 3 s);
 * - mediaPathDropVideoBackMs: only the media path gone for 9 s (long enough for ICE to report
 *   'disconnected' and restart) while signaling stays up; same measure;
 * - shortMediaPathDropVideoBackMs: only the media path gone for 5 s, over before ICE reports
 *   anything (the connection notices that their audio stopped); same measure;
 * - killedGoneMs / asleepGoneMs: Bob's app killed, or his machine frozen; ms until Ada no longer
 *   shows him (deadline: 10 s).
 *
 * BENCH_FAULTS picks some of them: `restart`, `links`, `departures` (comma-separated; all by default).
 * The link drops use the server's default heartbeat (3 s + 5 s), as a real meeting does.
 *
 * Real servers, real Chromium, the production web client; needs root for the namespaces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebClient } from '../build/web-client';
import { closeAllParticipants } from '../../tests/e2e/support/chromium';
import { startLanServer } from '../../tests/e2e/support/fault-probes';
import { cutLink, killBob, restartServer, sleepBob, startCall } from '../../tests/e2e/support/fault-scenarios';
import { startMeetingServer } from '../../tests/e2e/support/meeting-server';
import { createLab, removeStaleLabs } from '../../tests/e2e/support/netns';
import { WEB_ROOT } from '../../tests/e2e/support/paths';
import { startServerProcess } from '../../tests/e2e/support/server-process';
import { log, summary } from './support/stats';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));

const SECTIONS = new Set((process.env.BENCH_FAULTS ?? 'restart,links,departures').split(',').map((name) => name.trim()));

type Samples = Record<
  'serverRestartRejoinMs' | 'linkDropVideoBackMs' | 'mediaPathDropVideoBackMs' | 'shortMediaPathDropVideoBackMs' | 'killedGoneMs' | 'asleepGoneMs',
  number[]
>;

async function serverRestarts(samples: Samples, failures: string[]): Promise<void> {
  // Each restart keeps its data in a folder of this one, removed at the end.
  const dataRoot = mkdtempSync(join(tmpdir(), 'rt-bench-faults-'));
  let server = await startServerProcess(0, mkdtempSync(join(dataRoot, 'server-')));
  try {
    const call = await startCall('bench-restart', { url: server.url });
    for (let run = 0; run < RUNS; run += 1) {
      try {
        const restart = await restartServer(call, server, mkdtempSync(join(dataRoot, 'server-')));
        server = restart.server;
        samples.serverRestartRejoinMs.push(restart.rejoinMs.ada, restart.rejoinMs.bob);
        log(`server restart ${run + 1}/${RUNS}: rejoined after ${restart.rejoinMs.ada} / ${restart.rejoinMs.bob} ms`);
      } catch (error) {
        failures.push(`server restart ${run + 1}: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    await closeAllParticipants();
    await server.kill();
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

async function linkDrops(samples: Samples, failures: string[]): Promise<void> {
  removeStaleLabs();
  const lab = createLab(9);
  const server = await startLanServer('0.0.0.0');
  try {
    const ada = lab.machine('ada', { signalingLink: true });
    const bob = lab.machine('bob', { signalingLink: true });
    const call = await startCall(
      'bench-network',
      { url: `http://${ada.signalingGateway}:${server.port}`, machine: ada },
      { url: `http://${bob.signalingGateway}:${server.port}`, machine: bob },
    );
    for (const [what, ms, key] of [
      ['all', 5000, 'linkDropVideoBackMs'],
      ['media', 9000, 'mediaPathDropVideoBackMs'],
      ['media', 5000, 'shortMediaPathDropVideoBackMs'],
    ] as const) {
      for (let run = 0; run < RUNS; run += 1) {
        try {
          const cut = await cutLink(call, bob, ms, what);
          samples[key].push(cut.videoBackMs.ada, cut.videoBackMs.bob);
          log(`${what} cut of ${ms} ms, ${run + 1}/${RUNS}: video back after ${cut.videoBackMs.ada} / ${cut.videoBackMs.bob} ms`);
          if (Math.max(cut.videoBackMs.ada, cut.videoBackMs.bob) > 3000) log(cut.story);
        } catch (error) {
          failures.push(`${what} cut ${run + 1}: ${String(error).split('\n')[0]}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  } finally {
    await closeAllParticipants();
    await server.close();
    lab.destroy();
  }
}

async function departures(samples: Samples, failures: string[]): Promise<void> {
  const server = await startMeetingServer();
  try {
    for (let run = 0; run < RUNS; run += 1) {
      for (const [key, depart] of [
        ['killedGoneMs', (call: Awaited<ReturnType<typeof startCall>>) => killBob(call)],
        [
          'asleepGoneMs',
          async (call: Awaited<ReturnType<typeof startCall>>) => {
            const { goneMs, wake } = await sleepBob(call);
            wake();
            return goneMs;
          },
        ],
      ] as const) {
        try {
          const call = await startCall(`bench-${key}-${run}`, { url: server.url });
          const goneMs = await depart(call);
          samples[key].push(goneMs);
          log(`${key} ${run + 1}/${RUNS}: ${goneMs} ms`);
        } catch (error) {
          failures.push(`${key} ${run + 1}: ${String(error)}`);
        } finally {
          await closeAllParticipants();
        }
      }
    }
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  log('building the web client…');
  await buildWebClient(WEB_ROOT);
  const samples: Samples = {
    serverRestartRejoinMs: [],
    linkDropVideoBackMs: [],
    mediaPathDropVideoBackMs: [],
    shortMediaPathDropVideoBackMs: [],
    killedGoneMs: [],
    asleepGoneMs: [],
  };
  const failures: string[] = [];
  if (SECTIONS.has('restart')) await serverRestarts(samples, failures);
  if (SECTIONS.has('links')) await linkDrops(samples, failures);
  if (SECTIONS.has('departures')) await departures(samples, failures);
  const result = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, summary(values)]));
  console.log(JSON.stringify({ bench: 'faults', runs: RUNS, ...result, failures }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.log(JSON.stringify({ bench: 'faults', error: String(error) }));
    process.exit(1);
  },
);

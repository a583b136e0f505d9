import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, chromiumBehind } from '../../../tests/e2e/support/chromium';

/**
 * The Chromium to run so that its threads get the priorities a desktop user's would.
 *
 * Run as root (as on these VMs and CI), Chromium may raise its own threads: encoders, WebRTC and
 * compositor threads go to nice -8 and audio threads to real-time. A user's Chromium or Electron
 * cannot (Linux's RLIMIT_NICE is 0 for ordinary users). On a saturated machine, such as six
 * participants in one browser on two cores, those threads then starve every page's main thread
 * for seconds, and the signaling connection misses its heartbeats. Without CAP_SYS_NICE (dropped
 * with `setpriv`), Chromium's attempts fail quietly, as they do for a user.
 */
export function fairPriorityChromium(): string {
  if (process.getuid?.() !== 0) return CHROMIUM; // already unable to raise priorities
  if (spawnSync('setpriv', ['--version']).status !== 0) return CHROMIUM;
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-bench-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return chromiumBehind('setpriv --bounding-set -sys_nice', join(dir, 'chromium'));
}

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary folder a test run makes (os.tmpdir() in the tests, the servers and FFmpeg they
 * start, Chromium's profiles) goes into one folder of this run, removed when the run ends: tests
 * that forget to clean up leave nothing behind.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'rt-run-'));
  // Others may pass through (not list it): a server the tests start as another user (PostgreSQL,
  // which refuses to run as root) keeps its folder in here.
  chmodSync(dir, 0o711);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set while a run's folder exists: the folder. */
const RUN_DIR = 'ROUNDTABLE_TEST_RUN_DIR';

/**
 * Every temporary folder a test run makes (os.tmpdir() in the tests, the servers and FFmpeg they
 * start, Chromium's profiles) goes into one folder of this run, removed when the run ends: tests
 * that forget to clean up leave nothing behind.
 *
 * Vitest runs this once per project (each extends the root config): only the first makes the
 * folder, the others use it. Nesting one folder per project lengthened every path, and with a
 * fifth level Chromium's and PostgreSQL's Unix sockets in there passed the 107-byte limit: no
 * browser launched and no PostgreSQL started.
 */
export default function setup(): () => void {
  if (process.env[RUN_DIR]) return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rt-run-'));
  // Others may pass through (not list it): a server the tests start as another user (PostgreSQL,
  // which refuses to run as root) keeps its folder in here.
  chmodSync(dir, 0o711);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  process.env[RUN_DIR] = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    delete process.env[RUN_DIR];
    // Browsers kept for reuse die with the last test worker, just before this: one may still be
    // writing its profile (ENOTEMPTY once here), so a few tries.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
}

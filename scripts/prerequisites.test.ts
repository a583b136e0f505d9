import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from './build/aliases';

const bin = mkdtempSync(join(tmpdir(), 'rt-bare-path-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('a test run on a machine that lacks what the tests use', () => {
  it('stops at once, saying in one line what is missing and how to get it', () => {
    // A PATH with Node and nothing else: no ffmpeg, no PulseAudio.
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', 'src/renderer/src/text'], {
      cwd: projectRoot,
      env: { ...process.env, PATH: bin },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    // Without the terminal's colour codes (ESC [ … m).
    const said = `${run.stdout}${run.stderr}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    const line = said.split('\n').find((l) => l.includes('The tests cannot run here'));
    expect(line).toContain('missing ffmpeg');
    expect(line).toContain('pulseaudio');
    expect(line).toContain('npm run setup:test');
    // Stopped before running a test.
    expect(said).not.toMatch(/Tests\s+\d+ passed/);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceChoicesFile } from './device-choices';

describe('persisted device choices', () => {
  it('survive a restart (a new store on the same folder reads what the last one wrote)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-settings-'));
    expect(await deviceChoicesFile(dir).read()).toBeNull();
    const choice = { camera: { key: 'camera:logitech brio@046d:085e', label: 'Logitech BRIO', browserId: 'abc' } };
    await deviceChoicesFile(dir).write(choice);
    expect(await deviceChoicesFile(dir).read()).toEqual(choice);
  });

  it('keeps the last of several quick writes, and never leaves a half-written file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-settings-'));
    const file = deviceChoicesFile(dir);
    await Promise.all(['a', 'b', 'c'].map((key) => file.write({ speaker: { key, label: key, browserId: null } })));
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual({ speaker: { key: 'c', label: 'c', browserId: null } });
  });

  it('treats a corrupt or foreign file as no choice at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rt-settings-'));
    const file = deviceChoicesFile(dir);
    writeFileSync(file.path, '{"camera": ');
    expect(await file.read()).toBeNull();
    writeFileSync(file.path, JSON.stringify({ camera: { key: 1 } }));
    expect(await file.read()).toBeNull();
  });
});

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './build/aliases';

/**
 * Probe files for the layering rules of docs/design.md: each import a layer may not make is
 * written, as text, into a file of that layer and must be reported by the project's ESLint config;
 * each allowed one must not be.
 */
const eslint = new ESLint({ cwd: projectRoot });

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const probe = 1;\n`, { filePath: `${projectRoot}${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const forbidden: Array<[file: string, source: string, rule: string]> = [
  // Rule 1
  ['src/main/services/devices/probe.ts', "import { app } from 'electron';", 'rule 5'],
  ['src/renderer/src/call/probe.ts', "import { app } from 'electron';", 'rule 1'],
  // Rule 2: no Node, no main or preload, in every renderer folder (they used to replace this ban).
  ['src/renderer/src/components/probe.tsx', "import { readFileSync } from 'node:fs';", 'rule 2'],
  ['src/renderer/src/components/probe.tsx', "import { x } from '../../../main/services/hosting/invite';", 'rule 2'],
  ['src/renderer/src/call/probe.ts', "import { x } from '../../../main/services/hosting/invite';", 'rule 2'],
  ['src/renderer/src/app/probe.ts', "import { x } from '../../../preload/bridge';", 'rule 2'],
  ['src/renderer/src/hooks/probe.ts', "import { x } from '../../../main/index';", 'rule 2'],
  // Rule 3: the renderer's layers.
  ['src/renderer/src/call/probe.ts', "import { x } from '../platform/platform';", 'rule 3'],
  ['src/renderer/src/call/probe.ts', "import { x } from '../app/app-controller';", 'rule 3'],
  ['src/renderer/src/call/probe.ts', "import { useState } from 'react';", 'rule 3'],
  ['src/renderer/src/call/probe.ts', "import { x } from '../hooks/useStore';", 'rule 3'],
  ['src/renderer/src/layout/probe.ts', "import { x } from '../call/store';", 'rule 3'],
  ['src/renderer/src/platform/probe.ts', "import { x } from '../app/app-controller';", 'rule 3'],
  ['src/renderer/src/hooks/probe.ts', "import { x } from '../components/Tile';", 'rule 3'],
  ['src/renderer/src/hooks/probe.ts', "import { x } from '../app/desktop-bridge';", 'rule 3'],
  ['src/renderer/src/components/probe.tsx', "import { x } from '../app/desktop-bridge';", 'rule 3'],
  ['src/renderer/src/components/probe.tsx', "import { PeerLink } from '../call/mesh/peer-link';", 'rule 3'],
  ['src/renderer/src/components/probe.tsx', "import { SignalingClient } from '../call/signaling-client';", 'rule 3'],
  ['src/renderer/src/text/probe.ts', "import { x } from '../call/store';", 'rule 3'],
  // Rule 4
  ['src/renderer/src/call/probe.ts', "import { x } from '@roundtable/signaling-server/src/rooms/join';", 'rule 4'],
  ['signaling-server/src/rooms/probe.ts', "import { x } from '../../../src/shared/meeting-code';", 'rule 4'],
  // Rule 5
  ['src/main/services/hosting/probe.ts', "import { x } from '../../electron/hosting-ipc';", 'rule 5'],
  // Rule 6
  ['src/shared/ipc/probe.ts', "import { x } from '../../renderer/src/call/store';", 'rule 6'],
  ['src/shared/probe.ts', "import { readFileSync } from 'node:fs';", 'rule 6'],
];

const allowed: Array<[file: string, source: string]> = [
  ['src/renderer/src/app/probe.tsx', "import { Tile } from '../components/Tile';"],
  ['src/renderer/src/components/probe.tsx', "import { useStore } from '../hooks/useStore';"],
  ['src/renderer/src/hooks/probe.ts', "import { Store } from '../call/store';"],
  ['src/renderer/src/platform/probe.ts', "import { Store } from '../call/store';"],
  ['src/renderer/src/call/probe.ts', "import { failureText } from '../text/failures';"],
  ['src/main/electron/probe.ts', "import { app } from 'electron';"],
  ['src/renderer/src/call/probe.ts', "import { REQUESTS } from '@roundtable/signaling-server/protocol';"],
];

describe('the layering rules (docs/design.md)', () => {
  it.each(forbidden)('%s: %s is reported (%s)', async (file, source, rule) => {
    const found = await problems(file, source);
    expect(found.length, `no report for ${source} in ${file}`).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(`docs/design.md, ${rule}`);
  });

  it.each(allowed)('%s: %s is allowed', async (file, source) => {
    expect(await problems(file, source)).toEqual([]);
  });
});

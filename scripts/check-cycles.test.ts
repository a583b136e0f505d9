import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles } from './check-cycles';

const dir = mkdtempSync(join(tmpdir(), 'rt-cycles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(dir, 'probe-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@x/*': ['./src/*'] } } }));
  return root;
}

describe('the cycle check (docs/design.md, rule 7)', () => {
  it('reports a cycle made only of type imports, through a path alias too', async () => {
    const root = tree({
      'src/a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
      'src/b.ts': "import type { A } from '@x/a';\nexport interface B { a: A }\n",
    });
    const cycles = await findCycles(['src/**/*.ts'], root, join(root, 'tsconfig.json'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.map((file) => file.replace(/^.*src\//, '')).sort()).toEqual(['a.ts', 'b.ts']);
  });

  it('finds none in a tree without one, and none in the project', async () => {
    const root = tree({ 'src/a.ts': "import type { B } from './b';\nexport type A = B;\n", 'src/b.ts': 'export type B = number;\n' });
    expect(await findCycles(['src/**/*.ts'], root, join(root, 'tsconfig.json'))).toEqual([]);
    expect(await findCycles()).toEqual([]);
  });
});

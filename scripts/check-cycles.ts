/**
 * Rule 7 of docs/design.md: no import cycles, type-only imports included (a cycle of types still
 * ties two modules' designs together). `npm run lint` runs this; it prints every cycle and fails.
 * Uses dpdm, which resolves the tsconfig's path aliases and keeps type imports unless told not to.
 */
import { parseCircular, parseDependencyTree } from 'dpdm';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SOURCES = ['src/**/*.{ts,tsx}', 'signaling-server/src/**/*.ts'];

/** Every import cycle among `sources` (globs, relative to `cwd`), each as the files on it. */
export async function findCycles(sources: readonly string[] = SOURCES, cwd = ROOT, tsconfig = `${ROOT}tsconfig.base.json`): Promise<string[][]> {
  const tree = await parseDependencyTree([...sources], {
    cwd,
    context: cwd,
    tsconfig,
    transform: false,
    skipDynamicImports: false,
    exclude: /node_modules|\.test\.tsx?$/,
  });
  return parseCircular(tree);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cycles = await findCycles();
  if (cycles.length > 0) {
    process.stderr.write(`Import cycles (docs/design.md, rule 7):\n${cycles.map((cycle) => `  ${[...cycle, cycle[0]].join(' -> ')}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('No import cycles.\n');
}

import { fileURLToPath } from 'node:url';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Source-level aliases shared by every build and test: the app compiles the server's protocol from source. */
export const sourceAliases = {
  '@roundtable/signaling-server/protocol': here('../../signaling-server/src/protocol/index.ts'),
  '@roundtable/signaling-server': here('../../signaling-server/src/index.ts'),
  '@shared': here('../../src/shared'),
};

export const projectRoot = here('../../');

import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Built once per test run by global-setup.ts. */
export const WEB_ROOT = `${root}.tmp/e2e/web`;
export const MEDIA_DIR = `${root}.tmp/e2e/media`;
export const SCREENSHOT_DIR = `${root}test-results/screenshots`;
export const PROJECT_ROOT = root;

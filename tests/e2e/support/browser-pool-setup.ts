import { afterAll } from 'vitest';
import { closeFileBrowsers } from './chromium';

// After each end-to-end file: its participants close, and the browsers kept for reuse that the
// next file should not get (support/chromium.ts). The rest close with the worker, at the run's end.
afterAll(closeFileBrowsers);

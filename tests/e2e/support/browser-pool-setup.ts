import { afterAll } from 'vitest';
import { closeAllBrowsers } from './chromium';

// Each end-to-end file closes the browsers it kept for reuse (support/chromium.ts) after its last test.
afterAll(closeAllBrowsers);

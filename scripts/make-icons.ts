/**
 * npm run icons — renders resources/icon.svg (and the tray glyphs) to the PNGs the packager and
 * the tray use, with Debian's Chromium. The PNGs are committed; run this after changing an SVG.
 */
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../tests/e2e/support/chromium';

const jobs: Array<{ svg: string; png: string; size: number }> = [
  { svg: 'resources/icon.svg', png: 'resources/icon.png', size: 512 },
  // Tray glyphs per state (idle / active) and menu-bar theme (light / dark), at 1x and 2x:
  // Electron picks tray-x@2x.png beside tray-x.png on high-density screens.
  ...['idle', 'active'].flatMap((state) =>
    ['light', 'dark'].flatMap((variant) => [
      { svg: `resources/tray-${state}-${variant}.svg`, png: `resources/tray-${state}-${variant}.png`, size: 16 },
      { svg: `resources/tray-${state}-${variant}.svg`, png: `resources/tray-${state}-${variant}@2x.png`, size: 32 },
    ]),
  ),
];

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    for (const job of jobs) {
      const page = await browser.newPage({ viewport: { width: job.size, height: job.size } });
      const svg = readFileSync(job.svg, 'utf8');
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}</style><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" width="${job.size}" height="${job.size}">`,
      );
      await page.screenshot({ path: job.png, omitBackground: true });
      await page.close();
      process.stdout.write(`${job.png}\n`);
    }
  } finally {
    await browser.close();
  }
}

void main();

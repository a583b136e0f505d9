import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protocol, resetFakeElectron } from '../../../tests/fakes/electron';
import { beforeEach, describe, expect, it } from 'vitest';
import type { protocol as FakeProtocol } from '../../../tests/fakes/electron';
import { APP_CSP } from './app-origin';
import { registerAppScheme, serveRenderer } from './app-protocol';

const fake = protocol as unknown as typeof FakeProtocol;
beforeEach(() => resetFakeElectron());

function rendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rt-renderer-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Roundtable</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

describe('the app:// protocol', () => {
  it('is registered as a secure, standard scheme', () => {
    registerAppScheme();
    expect(fake.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
  });

  it('serves the renderer with the CSP on every response', async () => {
    serveRenderer(rendererDir());
    const handler = fake.handlers.get('app')!;
    const page = await handler(new Request('app://roundtable/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await page.text()).toContain('Roundtable');
    const script = await handler(new Request('app://roundtable/assets/app.js'));
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('never serves files outside the renderer folder, nor other hosts', async () => {
    serveRenderer(rendererDir());
    const handler = fake.handlers.get('app')!;
    expect((await handler(new Request('app://roundtable/..%2f..%2f..%2fetc%2fpasswd'))).status).toBe(404);
    expect((await handler(new Request('app://roundtable/missing.js'))).status).toBe(404);
    expect((await handler(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('has a CSP without inline or eval scripts', () => {
    const script = APP_CSP.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(APP_CSP).toContain("object-src 'none'");
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)/);
  });
});

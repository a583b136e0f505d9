import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { auditElectron, CHECKLIST } from './audit-electron';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of what the audit reads (main process, preload, packaging, manifest) with one change. */
function copyWith(file: string, from: string | RegExp, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rt-audit-'));
  copies.push(dir);
  for (const path of ['src/main', 'src/preload', 'electron-builder.yml', 'package.json']) cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`the mutation found nothing to change in ${file}: ${String(from)}`);
  writeFileSync(join(dir, file), changed);
  return dir;
}

const failing = (root: string): string[] =>
  auditElectron(root)
    .filter((r) => r.findings.length > 0)
    .map((r) => r.item);

const W = 'src/main/electron/window.ts';
const S = 'src/main/electron/security.ts';
const SH = 'src/main/electron/shell.ts';
const O = 'src/main/electron/app-origin.ts';
const P = 'src/main/electron/app-protocol.ts';
const I = 'src/main/electron/ipc.ts';

/** One way of undoing each checklist item, and the item the audit must then report. */
const UNDONE: Array<[string, string, string | RegExp, string]> = [
  ['Only load secure content', O, 'connect-src https: wss:', 'connect-src https: wss: http: ws:'],
  ['Only load secure content', P, 'secure: true', 'secure: false'],
  ['Do not enable Node.js integration for remote content', W, 'nodeIntegration: false', 'nodeIntegration: true'],
  ['Do not enable Node.js integration for remote content', W, 'nodeIntegrationInSubFrames: false', 'nodeIntegrationInSubFrames: true'],
  [
    'Do not enable Node.js integration for remote content',
    W,
    'webPreferences: secureWebPreferences(options.preload)',
    'webPreferences: { preload: options.preload }',
  ],
  ['Enable context isolation', W, 'contextIsolation: true', 'contextIsolation: false'],
  [
    'Enable context isolation',
    'src/preload/index.ts',
    "exposeInMainWorld('desktop', desktopApi)",
    "exposeInMainWorld('desktop', { ...desktopApi, ipcRenderer })",
  ],
  ['Enable process sandboxing', W, 'sandbox: true', 'sandbox: false'],
  ['Enable process sandboxing', SH, 'app.enableSandbox();', ''],
  ['Handle session permission requests (and checks) from remote content', S, "'notifications']", "'notifications', 'geolocation']"],
  ['Handle session permission requests (and checks) from remote content', S, /session\.setPermissionCheckHandler\([^;]*;/s, ''],
  ['Handle session permission requests (and checks) from remote content', SH, 'lockDownSession(session.defaultSession, devServerUrl);', ''],
  ['Do not disable webSecurity', W, 'webSecurity: true', 'webSecurity: false'],
  ['Define a Content-Security-Policy', O, `"script-src 'self'"`, `"script-src 'self' 'unsafe-inline'"`],
  ['Define a Content-Security-Policy', P, "'content-security-policy': APP_CSP,", ''],
  ['Do not enable allowRunningInsecureContent', W, 'allowRunningInsecureContent: false', 'allowRunningInsecureContent: true'],
  ['Do not enable experimental features', W, 'experimentalFeatures: false', 'experimentalFeatures: true'],
  ['Do not use enableBlinkFeatures', W, 'spellcheck: false,', "spellcheck: false, enableBlinkFeatures: 'CSSVariables',"],
  ['Do not use <webview>', W, 'webviewTag: false', 'webviewTag: true'],
  ['Do not use <webview>', S, "contents.on('will-attach-webview', (event) => event.preventDefault());", ''],
  ['Disable or limit navigation', S, "contents.on('will-navigate'", "contents.on('did-navigate'"],
  ['Disable or limit navigation', SH, "app.on('web-contents-created', (_event, contents) => lockDownContents(contents, devServerUrl));", ''],
  ['Disable or limit creation of new windows', S, "return { action: 'deny' };", "return { action: 'allow' };"],
  ['Do not use shell.openExternal with untrusted content', S, 'if (!isSafeExternalUrl(url)) return false;', ''],
  ['Use a current version of Electron', 'package.json', /"electron": "[^"]+"/, '"electron": "^28.0.0"'],
  ['Validate the sender of all IPC messages', I, 'if (!isTrustedSender(event, devServerUrl))', 'if (false)'],
  ['Validate the sender of all IPC messages', I, 'frame.parent === null && ', ''],
  ['Validate the sender of all IPC messages', 'src/main/electron/capture-ipc.ts', 'if (!isTrustedSender(event, devServerUrl))', 'if (false)'],
  [
    'Validate the sender of all IPC messages',
    SH,
    'registerChannels(DESKTOP_CHANNELS, handlers, devServerUrl);',
    "registerChannels(DESKTOP_CHANNELS, handlers, devServerUrl); ipcMain.handle('x', () => 1);",
  ],
  [
    'Avoid usage of the file:// protocol and prefer usage of custom protocols',
    W,
    'void window.loadURL(options.devServerUrl ?? APP_ENTRY);',
    "void window.loadFile('index.html');",
  ],
  ['Check which fuses you can change', 'electron-builder.yml', 'runAsNode: false', 'runAsNode: true'],
  ['Check which fuses you can change', 'electron-builder.yml', /\n {2}enableNodeOptionsEnvironmentVariable: false/, ''],
  ['Check which fuses you can change', 'electron-builder.yml', 'enableNodeCliInspectArguments: false', 'enableNodeCliInspectArguments: true'],
  ['Check which fuses you can change', 'electron-builder.yml', 'enableCookieEncryption: true', 'enableCookieEncryption: false'],
  ['Check which fuses you can change', 'electron-builder.yml', 'enableEmbeddedAsarIntegrityValidation: true', 'enableEmbeddedAsarIntegrityValidation: false'],
  ['Check which fuses you can change', 'electron-builder.yml', 'onlyLoadAppFromAsar: true', 'onlyLoadAppFromAsar: false'],
];

describe('npm run audit:electron', () => {
  it('finds every checklist item applied in this repository', () => {
    const results = auditElectron(ROOT);
    expect(results.map((r) => r.item)).toEqual(CHECKLIST.map((c) => c.item));
    expect(results.filter((r) => r.findings.length > 0)).toEqual([]);
  });

  it('has a way to undo every item in its list of mutations', () => {
    expect(new Set(UNDONE.map(([item]) => item))).toEqual(new Set(CHECKLIST.map((c) => c.item)));
  });

  it.each(UNDONE)('reports "%s" when %s is changed (%s)', (item, file, from, to) => {
    expect(failing(copyWith(file, from, to))).toEqual([item]);
  });

  it('prints what is missing and exits non-zero', async () => {
    const { execFileSync } = await import('node:child_process');
    const root = copyWith('electron-builder.yml', 'runAsNode: false', 'runAsNode: true');
    let output = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/audit-electron.ts'), root], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      ({ stdout: output, status } = error as { stdout: string; status: number });
    }
    expect(status).toBe(1);
    expect(output).toContain('FAIL Check which fuses you can change');
    expect(output).toContain('electronFuses.runAsNode is true; it must be false');
  });
});

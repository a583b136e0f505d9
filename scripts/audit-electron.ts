/**
 * npm run audit:electron — checks, statically in the source, every item of Electron's security
 * checklist (https://www.electronjs.org/docs/latest/tutorial/security) that Roundtable applies,
 * prints each item with what is missing, and exits non-zero on any finding. CI runs it before
 * the tests. It reads the source as text and syntax trees (TypeScript's parser); it never loads
 * Electron.
 *
 *   tsx scripts/audit-electron.ts [ROOT]      ROOT defaults to the repository
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface AuditItem {
  /** The checklist item, in the words of Electron's documentation. */
  item: string;
  /** What is missing or wrong, one line each; empty when the item is applied. */
  findings: string[];
}

/** Electron supports its latest three major lines; older ones get no security fixes. */
export const MIN_ELECTRON_MAJOR = 43;
/** The permissions our renderer may be granted (Roundtable needs nothing else). */
export const ALLOWED_PERMISSIONS = ['media', 'display-capture', 'notifications'];
/** Loopback hosts where plain http/ws may be allowed: traffic that never crosses a network. */
const LOOPBACK_SOURCES = /^(http|ws):\/\/(localhost|127\.0\.0\.1)(:(\*|\d+))?$/;

export const REQUIRED_FUSES: Readonly<Record<string, boolean>> = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableCookieEncryption: true,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

const ELECTRON_DIR = 'src/main/electron';

/** The source the audit reads: the main process (not its tests) and the preload. */
class Source {
  private readonly parsed = new Map<string, ts.SourceFile>();
  constructor(readonly root: string) {}

  files(dir: string): string[] {
    const base = join(this.root, dir);
    if (!existsSync(base)) return [];
    const out: string[] = [];
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(relative(this.root, path));
      }
    };
    walk(base);
    return out.sort();
  }

  file(path: string): ts.SourceFile | null {
    const cached = this.parsed.get(path);
    if (cached) return cached;
    const full = join(this.root, path);
    if (!existsSync(full)) return null;
    const parsed = ts.createSourceFile(path, readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true);
    this.parsed.set(path, parsed);
    return parsed;
  }

  text(path: string): string | null {
    const full = join(this.root, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : null;
  }

  /** Every main-process and preload source file. */
  mainFiles(): string[] {
    return [...this.files('src/main'), ...this.files('src/preload')];
  }
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

function find<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T[] {
  const out: T[] = [];
  walk(root, (node) => {
    if (test(node)) out.push(node);
  });
  return out;
}

/** Calls whose callee is written `name` or ends in `.name` (e.g. `app.enableSandbox`). */
function callsTo(root: ts.Node, name: string): ts.CallExpression[] {
  return find(root, ts.isCallExpression).filter((call) => {
    const callee = call.expression.getText();
    return callee === name || callee.endsWith(`.${name}`);
  });
}

function functionNamed(file: ts.SourceFile, name: string): ts.FunctionDeclaration | undefined {
  return find(file, ts.isFunctionDeclaration).find((fn) => fn.name?.text === name);
}

function constNamed(file: ts.SourceFile, name: string): ts.VariableDeclaration | undefined {
  return find(file, ts.isVariableDeclaration).find((v) => ts.isIdentifier(v.name) && v.name.text === name);
}

function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

/** An object literal's properties as source text: `{ sandbox: true }` -> { sandbox: 'true' }. */
function properties(object: ts.ObjectLiteralExpression): Map<string, string> {
  const out = new Map<string, string>();
  for (const property of object.properties) {
    const name = propertyName(property);
    if (name === undefined) continue;
    if (ts.isPropertyAssignment(property)) out.set(name, property.initializer.getText());
    else if (ts.isShorthandPropertyAssignment(property)) out.set(name, name);
  }
  return out;
}

function stringsIn(node: ts.Node): string[] {
  return find(node, (n): n is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral => ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)).map(
    (literal) => literal.text,
  );
}

/** The CSP as a map of directive -> sources, from the string literals APP_CSP is built of. */
function parseCsp(parts: string[]): Map<string, string[]> {
  const csp = new Map<string, string[]>();
  for (const directive of parts.join(';').split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) csp.set(name, sources);
  }
  return csp;
}

/** The `electronFuses:` block of electron-builder.yml (a flat map of booleans). */
export function readFuses(yaml: string): Map<string, string> {
  const fuses = new Map<string, string>();
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((line) => /^electronFuses:\s*(#.*)?$/.test(line));
  if (start < 0) return fuses;
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = /^\s+([A-Za-z]+):\s*([^\s#]+)/.exec(line);
    if (!match) break; // the next top-level key
    fuses.set(match[1]!, match[2]!);
  }
  return fuses;
}

type Check = (source: Source) => string[];

const missingFile = (path: string): string => `${path} is missing`;

/** secureWebPreferences' returned object, or the reason it cannot be read. */
function webPreferences(source: Source): Map<string, string> | string {
  const path = `${ELECTRON_DIR}/window.ts`;
  const file = source.file(path);
  if (!file) return missingFile(path);
  const fn = functionNamed(file, 'secureWebPreferences');
  const returned = fn && find(fn, ts.isReturnStatement)[0]?.expression;
  if (!returned || !ts.isObjectLiteralExpression(returned)) return `${path}: secureWebPreferences() does not return an object literal`;
  return properties(returned);
}

function preference(name: string, expected: 'true' | 'false'): Check {
  return (source) => {
    const prefs = webPreferences(source);
    if (typeof prefs === 'string') return [prefs];
    const value = prefs.get(name);
    return value === expected ? [] : [`webPreferences.${name} is ${value ?? 'not set'}; it must be ${expected}`];
  };
}

/** Every window or view the main process creates must take secureWebPreferences(). */
const everyWindowSecure: Check = (source) => {
  const findings: string[] = [];
  for (const path of source.mainFiles()) {
    const file = source.file(path)!;
    for (const created of find(file, ts.isNewExpression)) {
      const what = created.expression.getText();
      if (!/^(BrowserWindow|BrowserView|WebContentsView)$/.test(what)) continue;
      const options = created.arguments?.[0];
      const prefs = options && ts.isObjectLiteralExpression(options) ? properties(options).get('webPreferences') : undefined;
      if (!prefs?.startsWith('secureWebPreferences(')) findings.push(`${path}: new ${what}(…) without webPreferences: secureWebPreferences(…)`);
    }
  }
  return findings;
};

/** A flag that must never be set anywhere in the main process, e.g. enableBlinkFeatures. */
function neverSet(name: string, allowed?: string): Check {
  return (source) => {
    const findings: string[] = [];
    for (const path of source.mainFiles()) {
      for (const assignment of find(source.file(path)!, ts.isPropertyAssignment)) {
        if (propertyName(assignment) !== name) continue;
        if (allowed !== undefined && assignment.initializer.getText() === allowed) continue;
        findings.push(`${path}: ${name}: ${assignment.initializer.getText()}`);
      }
    }
    return findings;
  };
}

function calledIn(path: string, name: string, why: string): Check {
  return (source) => {
    const file = source.file(path);
    if (!file) return [missingFile(path)];
    return callsTo(file, name).length > 0 ? [] : [`${path}: ${why}`];
  };
}

const appCsp = (source: Source): Map<string, string[]> | string => {
  const path = `${ELECTRON_DIR}/app-origin.ts`;
  const file = source.file(path);
  if (!file) return missingFile(path);
  const declared = constNamed(file, 'APP_CSP');
  if (!declared?.initializer) return `${path}: APP_CSP is not defined`;
  return parseCsp(stringsIn(declared.initializer));
};

const secureConnections: Check = (source) => {
  const csp = appCsp(source);
  if (typeof csp === 'string') return [csp];
  const connect = csp.get('connect-src') ?? csp.get('default-src') ?? [];
  const insecure = connect.filter((s) => /^(http|ws):?$/.test(s) || s === '*' || (/^(http|ws):\/\//.test(s) && !LOOPBACK_SOURCES.test(s)));
  return insecure.map((s) => `APP_CSP connect-src allows plain-text "${s}": only https:/wss: (and http/ws to loopback)`);
};

const secureScheme: Check = (source) => {
  const path = `${ELECTRON_DIR}/app-protocol.ts`;
  const file = source.file(path);
  if (!file) return [missingFile(path)];
  const registered = callsTo(file, 'registerSchemesAsPrivileged');
  if (registered.length === 0) return [`${path}: app:// is not registered with registerSchemesAsPrivileged`];
  const findings: string[] = [];
  for (const call of registered) {
    const privileges = find(call, ts.isObjectLiteralExpression)
      .map(properties)
      .find((p) => p.has('standard') || p.has('secure'));
    if (privileges?.get('secure') !== 'true') findings.push(`${path}: app:// is not registered as a secure scheme`);
    if (privileges?.get('bypassCSP') === 'true') findings.push(`${path}: app:// bypasses the CSP`);
  }
  return findings;
};

const cspPolicy: Check = (source) => {
  const csp = appCsp(source);
  if (typeof csp === 'string') return [csp];
  const findings: string[] = [];
  const defaults = csp.get('default-src');
  if (!defaults || !defaults.every((s) => s === "'none'" || s === "'self'"))
    findings.push(`APP_CSP default-src must be 'none' or 'self', is ${defaults?.join(' ') ?? 'missing'}`);
  const scripts = csp.get('script-src') ?? defaults ?? [];
  for (const source of scripts) {
    if (/unsafe-|^\*$|^(https?|data|blob):$/.test(source)) findings.push(`APP_CSP script-src allows ${source}`);
  }
  for (const directive of ['object-src', 'base-uri', 'frame-src']) {
    if (csp.get(directive)?.join(' ') !== "'none'") findings.push(`APP_CSP ${directive} must be 'none'`);
  }
  const served = source.file(`${ELECTRON_DIR}/app-protocol.ts`);
  const sent =
    served && find(served, ts.isPropertyAssignment).some((p) => propertyName(p) === 'content-security-policy' && p.initializer.getText() === 'APP_CSP');
  if (!sent) findings.push(`${ELECTRON_DIR}/app-protocol.ts does not send APP_CSP as the content-security-policy header`);
  return findings;
};

const permissionHandlers: Check = (source) => {
  const path = `${ELECTRON_DIR}/security.ts`;
  const file = source.file(path);
  if (!file) return [missingFile(path)];
  const findings: string[] = [];
  for (const handler of ['setPermissionRequestHandler', 'setPermissionCheckHandler']) {
    const calls = callsTo(file, handler);
    if (calls.length === 0) findings.push(`${path}: no ${handler}`);
    else if (!calls.every((call) => callsTo(call, 'isPermissionGranted').length > 0))
      findings.push(`${path}: ${handler} does not decide with isPermissionGranted`);
  }
  const granted = constNamed(file, 'GRANTED_PERMISSIONS');
  if (!granted?.initializer) findings.push(`${path}: GRANTED_PERMISSIONS is not defined`);
  else {
    for (const permission of stringsIn(granted.initializer)) {
      if (!ALLOWED_PERMISSIONS.includes(permission)) findings.push(`${path}: grants "${permission}" (only ${ALLOWED_PERMISSIONS.join(', ')})`);
    }
  }
  const decide = functionNamed(file, 'isPermissionGranted');
  if (!decide || callsTo(decide, 'isAppUrl').length === 0)
    findings.push(`${path}: isPermissionGranted does not check that the request comes from our own renderer (isAppUrl)`);
  const shell = source.file(`${ELECTRON_DIR}/shell.ts`);
  if (!shell || callsTo(shell, 'lockDownSession').length === 0) findings.push(`${ELECTRON_DIR}/shell.ts never calls lockDownSession`);
  return findings;
};

/** An `on('event', …)` handler in lockDownContents that calls preventDefault. */
function contentsHandler(event: string): Check {
  return (source) => {
    const path = `${ELECTRON_DIR}/security.ts`;
    const file = source.file(path);
    if (!file) return [missingFile(path)];
    const lockDown = functionNamed(file, 'lockDownContents');
    const handler = lockDown && callsTo(lockDown, 'on').find((call) => stringsIn(call.arguments[0]!).includes(event));
    if (!handler) return [`${path}: lockDownContents has no '${event}' handler`];
    return callsTo(handler, 'preventDefault').length > 0 ? [] : [`${path}: the '${event}' handler never calls preventDefault`];
  };
}

const everyContentsLockedDown: Check = (source) => {
  const path = `${ELECTRON_DIR}/shell.ts`;
  const file = source.file(path);
  if (!file) return [missingFile(path)];
  const hook = callsTo(file, 'on').find((call) => stringsIn(call.arguments[0]!).includes('web-contents-created'));
  return hook && callsTo(hook, 'lockDownContents').length > 0 ? [] : [`${path}: 'web-contents-created' does not lock down every new webContents`];
};

const newWindowsDenied: Check = (source) => {
  const path = `${ELECTRON_DIR}/security.ts`;
  const file = source.file(path);
  if (!file) return [missingFile(path)];
  const findings: string[] = [];
  const handlers = callsTo(file, 'setWindowOpenHandler');
  if (handlers.length === 0) findings.push(`${path}: no setWindowOpenHandler`);
  for (const path of source.mainFiles()) {
    for (const object of find(source.file(path)!, ts.isObjectLiteralExpression)) {
      if (properties(object).get('action') === "'allow'") findings.push(`${path}: a window open handler answers { action: 'allow' }`);
    }
  }
  return findings;
};

const openExternalValidated: Check = (source) => {
  const findings: string[] = [];
  for (const path of source.mainFiles()) {
    const file = source.file(path)!;
    for (const call of callsTo(file, 'openExternal')) {
      if (!call.expression.getText().startsWith('shell.')) continue;
      let scope: ts.Node | undefined = call.parent;
      while (scope && !ts.isFunctionDeclaration(scope)) scope = scope.parent;
      const fn = scope as ts.FunctionDeclaration | undefined;
      if (fn?.name?.text !== 'openExternalSafely' || callsTo(fn, 'isSafeExternalUrl').length === 0) {
        findings.push(`${path}: shell.openExternal outside openExternalSafely (links must be validated with isSafeExternalUrl)`);
      }
    }
  }
  return findings;
};

const ipcSendersValidated: Check = (source) => {
  const findings: string[] = [];
  const ipcPath = `${ELECTRON_DIR}/ipc.ts`;
  for (const path of source.mainFiles()) {
    const file = source.file(path)!;
    for (const method of ['handle', 'handleOnce', 'on', 'once', 'addListener']) {
      for (const call of callsTo(file, method)) {
        if (call.expression.getText() !== `ipcMain.${method}`) continue;
        const fn = (() => {
          let scope: ts.Node | undefined = call.parent;
          while (scope && !ts.isFunctionDeclaration(scope)) scope = scope.parent;
          return scope as ts.FunctionDeclaration | undefined;
        })();
        // Request channels go through registerChannels; a channel of its own (a MessagePort hand-over)
        // must check its sender in the function that registers it.
        if (path === ipcPath && fn?.name?.text === 'registerChannels') {
          if (callsTo(call, 'isTrustedSender').length === 0) findings.push(`${path}: registerChannels' handler does not call isTrustedSender`);
        } else if (!fn || callsTo(fn, 'isTrustedSender').length === 0)
          findings.push(
            `${path}: ipcMain.${method} outside registerChannels without an isTrustedSender check (every channel must go through the sender check)`,
          );
      }
    }
  }
  const ipc = source.file(ipcPath);
  const trusted = ipc && functionNamed(ipc, 'isTrustedSender');
  if (!trusted) findings.push(`${ipcPath}: isTrustedSender is missing`);
  else {
    if (callsTo(trusted, 'isAppUrl').length === 0) findings.push(`${ipcPath}: isTrustedSender does not check the sender's origin`);
    if (!/\.parent\s*===\s*null/.test(trusted.getText())) findings.push(`${ipcPath}: isTrustedSender does not require the main frame`);
  }
  return findings;
};

const customProtocol: Check = (source) => {
  const findings: string[] = [];
  for (const path of source.mainFiles()) {
    const file = source.file(path)!;
    for (const call of callsTo(file, 'loadFile')) findings.push(`${path}: ${call.expression.getText()}(…) loads from file://; serve it over app://`);
    for (const call of callsTo(file, 'loadURL')) {
      if (stringsIn(call).some((s) => s.startsWith('file:'))) findings.push(`${path}: loadURL of a file:// URL`);
    }
    for (const call of [...callsTo(file, 'registerFileProtocol'), ...callsTo(file, 'interceptFileProtocol')])
      findings.push(`${path}: ${call.expression.getText()} (file protocol)`);
  }
  const origin = source.file(`${ELECTRON_DIR}/app-origin.ts`);
  const scheme = origin && constNamed(origin, 'APP_SCHEME')?.initializer;
  if (!scheme || !ts.isStringLiteral(scheme) || scheme.text === 'file') findings.push(`${ELECTRON_DIR}/app-origin.ts: APP_SCHEME must be a custom scheme`);
  const window = source.file(`${ELECTRON_DIR}/window.ts`);
  if (!window || !callsTo(window, 'loadURL').some((call) => call.arguments[0]?.getText().includes('APP_ENTRY')))
    findings.push(`${ELECTRON_DIR}/window.ts does not load APP_ENTRY`);
  const protocolFile = source.file(`${ELECTRON_DIR}/app-protocol.ts`);
  if (!protocolFile || !callsTo(protocolFile, 'handle').some((call) => call.expression.getText() === 'protocol.handle'))
    findings.push(`${ELECTRON_DIR}/app-protocol.ts does not serve app:// (protocol.handle)`);
  return findings;
};

const preloadExposesNoIpc: Check = (source) => {
  const findings: string[] = [];
  for (const path of source.files('src/preload')) {
    for (const call of callsTo(source.file(path)!, 'exposeInMainWorld')) {
      const exposed = call.arguments[1];
      if (exposed && find(exposed, ts.isIdentifier).some((id) => id.text === 'ipcRenderer')) findings.push(`${path}: exposes ipcRenderer to the renderer`);
    }
  }
  return findings;
};

const fuses: Check = (source) => {
  const yaml = source.text('electron-builder.yml');
  if (yaml === null) return [missingFile('electron-builder.yml')];
  const set = readFuses(yaml);
  const findings = Object.entries(REQUIRED_FUSES)
    .filter(([name, value]) => set.get(name) !== String(value))
    .map(([name, value]) => `electron-builder.yml electronFuses.${name} is ${set.get(name) ?? 'not set'}; it must be ${value}`);
  if (/^asar:\s*false/m.test(yaml)) findings.push('electron-builder.yml turns asar off (the integrity and only-from-asar fuses need it)');
  return findings;
};

const currentElectron: Check = (source) => {
  const text = source.text('package.json');
  if (text === null) return [missingFile('package.json')];
  const manifest = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const range = manifest.devDependencies?.electron ?? manifest.dependencies?.electron;
  const major = Number(/(\d+)/.exec(range ?? '')?.[1]);
  return major >= MIN_ELECTRON_MAJOR ? [] : [`package.json: electron ${range ?? 'missing'}; use ${MIN_ELECTRON_MAJOR} or newer`];
};

const combine =
  (...checks: Check[]): Check =>
  (source) =>
    checks.flatMap((check) => check(source));

/** The checklist, in the order of Electron's security tutorial. */
export const CHECKLIST: ReadonlyArray<{ item: string; check: Check }> = [
  { item: 'Only load secure content', check: combine(secureScheme, secureConnections) },
  {
    item: 'Do not enable Node.js integration for remote content',
    check: combine(
      preference('nodeIntegration', 'false'),
      preference('nodeIntegrationInWorker', 'false'),
      preference('nodeIntegrationInSubFrames', 'false'),
      everyWindowSecure,
      neverSet('nodeIntegration', 'false'),
    ),
  },
  { item: 'Enable context isolation', check: combine(preference('contextIsolation', 'true'), neverSet('contextIsolation', 'true'), preloadExposesNoIpc) },
  {
    item: 'Enable process sandboxing',
    check: combine(
      preference('sandbox', 'true'),
      neverSet('sandbox', 'true'),
      calledIn(`${ELECTRON_DIR}/shell.ts`, 'app.enableSandbox', 'app.enableSandbox() is never called'),
    ),
  },
  { item: 'Handle session permission requests (and checks) from remote content', check: permissionHandlers },
  { item: 'Do not disable webSecurity', check: combine(preference('webSecurity', 'true'), neverSet('webSecurity', 'true')) },
  { item: 'Define a Content-Security-Policy', check: cspPolicy },
  {
    item: 'Do not enable allowRunningInsecureContent',
    check: combine(preference('allowRunningInsecureContent', 'false'), neverSet('allowRunningInsecureContent', 'false')),
  },
  { item: 'Do not enable experimental features', check: combine(preference('experimentalFeatures', 'false'), neverSet('experimentalFeatures', 'false')) },
  { item: 'Do not use enableBlinkFeatures', check: neverSet('enableBlinkFeatures') },
  { item: 'Do not use <webview>', check: combine(preference('webviewTag', 'false'), neverSet('webviewTag', 'false'), contentsHandler('will-attach-webview')) },
  { item: 'Disable or limit navigation', check: combine(contentsHandler('will-navigate'), contentsHandler('will-redirect'), everyContentsLockedDown) },
  { item: 'Disable or limit creation of new windows', check: newWindowsDenied },
  { item: 'Do not use shell.openExternal with untrusted content', check: openExternalValidated },
  { item: 'Use a current version of Electron', check: currentElectron },
  { item: 'Validate the sender of all IPC messages', check: ipcSendersValidated },
  { item: 'Avoid usage of the file:// protocol and prefer usage of custom protocols', check: customProtocol },
  { item: 'Check which fuses you can change', check: fuses },
];

export function auditElectron(root: string): AuditItem[] {
  const source = new Source(root);
  return CHECKLIST.map(({ item, check }) => ({ item, findings: check(source) }));
}

function main(): void {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
  const results = auditElectron(root);
  let missing = 0;
  for (const { item, findings } of results) {
    process.stdout.write(`${findings.length === 0 ? 'ok  ' : 'FAIL'} ${item}\n`);
    for (const finding of findings) process.stdout.write(`       - ${finding}\n`);
    missing += findings.length;
  }
  process.stdout.write(
    missing === 0
      ? `\nElectron security checklist: all ${results.length} items applied.\n`
      : `\nElectron security checklist: ${missing} finding(s) in ${results.filter((r) => r.findings.length > 0).length} item(s).\n`,
  );
  process.exitCode = missing === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

// @ts-check
// The layering rules of docs/design.md ("rule N" below), enforced on imports. Each block lists
// everything a folder may not import (rules add up: a folder's block repeats the wider bans).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import uiText from './scripts/eslint/ui-text.js';

const nodeModules = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const electron = {
  name: 'electron',
  message: "Only src/main/electron/, src/main/index.ts and src/preload/ import 'electron' (docs/design.md, rule 1).",
};
const noNode = (why) => nodeModules.map((name) => ({ name, message: why }));
const serverInternals = {
  group: ['@roundtable/signaling-server/*', '!@roundtable/signaling-server/protocol', '**/signaling-server/src/**'],
  message: "The app uses only the server's protocol/ and its index (docs/design.md, rule 4).",
};
const desktopInternals = {
  group: ['**/main/**', '**/preload/**', '**/src/main/*', '**/src/preload/*'],
  message: 'The renderer reaches the desktop only through platform/ (docs/design.md, rule 2).',
};
/** Rule 3: a renderer folder may not import these sibling folders. */
const rendererLayer = (folder, forbidden) => ({
  group: forbidden.flatMap((name) => [`../${name}`, `../${name}/*`, `../../${name}/*`, `**/renderer/src/${name}/*`]),
  message: `${folder}/ may not import ${forbidden.map((name) => `${name}/`).join(', ')} (docs/design.md, rule 3).`,
});
const react = {
  group: ['react', 'react/*', 'react-dom', 'react-dom/*'],
  message: 'call/ and layout/ never import React (docs/design.md, rule 3).',
};
const rendererPaths = [electron, ...noNode('The renderer imports no Node module (docs/design.md, rule 2).')];

/** The renderer's blocks: every folder gets the renderer-wide bans plus its own (rule 3). */
const rendererFolders = [
  { folder: 'layout', forbidden: ['text', 'call', 'platform', 'hooks', 'components', 'app'], react: true },
  { folder: 'text', forbidden: ['layout', 'call', 'platform', 'hooks', 'components', 'app'], react: true },
  { folder: 'call', forbidden: ['platform', 'hooks', 'components', 'app'], react: true },
  { folder: 'platform', forbidden: ['layout', 'hooks', 'components', 'app'] },
  { folder: 'hooks', forbidden: ['components', 'app'] },
  {
    folder: 'components',
    forbidden: ['app'],
    extra: [
      {
        group: ['**/call/mesh/*', '**/call/signaling-client'],
        message: 'Components get call state through hooks/, never the connection itself (docs/design.md, rule 3).',
      },
    ],
  },
].map(({ folder, forbidden, react: noReact, extra }) => ({
  files: [`src/renderer/src/${folder}/**`],
  ignores: ['src/renderer/src/**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: rendererPaths,
        patterns: [serverInternals, desktopInternals, rendererLayer(folder, forbidden), ...(noReact ? [react] : []), ...(extra ?? [])],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.tmp/**', 'test-results/**', 'out/**', 'dist/**', 'signaling-server/dist/**', 'release/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': ['error', { paths: [electron], patterns: [serverInternals] }],
    },
  },
  // Rule 1: the thin Electron shell, the composition root and the preload may import electron.
  {
    files: ['src/main/electron/**', 'src/main/index.ts', 'src/preload/**', 'tests/fakes/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [serverInternals] }] },
  },
  // Rule 5: services are Electron-free.
  {
    files: ['src/main/services/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ ...electron, message: "services/ never import 'electron' (docs/design.md, rule 5)." }],
          patterns: [
            serverInternals,
            { group: ['**/electron/*', '../electron', '../../electron/*'], message: 'services/ never import main/electron/ (docs/design.md, rule 5).' },
          ],
        },
      ],
    },
  },
  // Rule 2: the renderer runs in plain Chromium: no Node, no electron, no main or preload.
  {
    files: ['src/renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: rendererPaths, patterns: [serverInternals, desktopInternals] }],
    },
  },
  // Rule 3: the renderer's layers.
  ...rendererFolders,
  {
    files: ['src/renderer/src/components/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'RTCPeerConnection', message: 'Components never touch an RTCPeerConnection (docs/design.md, rule 3).' }],
    },
  },
  // Issue 22: every word the renderer shows comes from the message catalogues (en and ru), never a literal in JSX.
  {
    files: ['src/renderer/src/**/*.tsx'],
    plugins: { 'ui-text': uiText },
    rules: { 'ui-text/no-literal-text': 'error' },
  },
  // Unit tests of renderer code run in Node, beside a real server when they need one.
  {
    files: ['src/renderer/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electron], patterns: [serverInternals] }] },
  },
  // Rule 4: the server stands alone.
  {
    files: ['signaling-server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            {
              group: ['**/src/main/**', '**/src/renderer/**', '**/src/shared/**', '@shared/*', '../../src/**'],
              message: 'signaling-server/ imports nothing from the app (docs/design.md, rule 4).',
            },
          ],
        },
      ],
    },
  },
  // Rule 6: the shared contracts cross processes: no Node, no DOM, no electron, nothing of one side.
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, ...noNode('src/shared/ is runtime-neutral (docs/design.md, rule 6).')],
          patterns: [
            serverInternals,
            { group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'src/shared/ imports nothing from either side (docs/design.md, rule 6).' },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**', 'scripts/bench/**'],
    ignores: ['tests/fakes/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    // Tests and benchmarks may reach into the server's source (e.g. to run it in a child process).
    rules: { 'no-restricted-imports': ['error', { paths: [electron] }] },
  },
);

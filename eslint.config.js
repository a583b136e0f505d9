// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeModules = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const electronOnly = { name: 'electron', message: "Only src/main/electron/, src/main/index.ts and src/preload/ import 'electron' (DESIGN.md, rule 1)." };
const serverInternals = {
  group: ['@roundtable/signaling-server/*', '!@roundtable/signaling-server/protocol', '**/signaling-server/src/**'],
  message: "The app uses only the server's protocol/ and createSignalingServer (DESIGN.md, rule 4).",
};

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
      'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [serverInternals] }],
    },
  },
  // Rule 1: the thin Electron shell, the composition root and the preload may import electron.
  {
    files: ['src/main/electron/**', 'src/main/index.ts', 'src/preload/**', 'tests/fakes/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [serverInternals] }] },
  },
  // Rule 2: the renderer runs in plain Chromium: no Node, no electron.
  {
    files: ['src/renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeModules.map((name) => ({ name, message: 'The renderer imports no Node module (DESIGN.md, rule 2).' }))],
          patterns: [serverInternals, { group: ['**/main/**', '**/preload/**'], message: 'The renderer reaches the desktop only through platform/.' }],
        },
      ],
    },
  },
  // Rule 3: call/ and layout/ are framework-free.
  {
    files: ['src/renderer/src/call/**', 'src/renderer/src/layout/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeModules.map((name) => ({ name, message: 'The renderer imports no Node module.' }))],
          patterns: [
            serverInternals,
            {
              group: ['react', 'react/*', 'react-dom', 'react-dom/*', '**/components/**', '**/hooks/**'],
              message: 'call/ and layout/ never import React (DESIGN.md, rule 3).',
            },
          ],
        },
      ],
    },
  },
  // Rule 3: components are presentational; they never touch a peer connection.
  {
    files: ['src/renderer/src/components/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'RTCPeerConnection', message: 'Components never touch an RTCPeerConnection (DESIGN.md, rule 3).' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeModules.map((name) => ({ name, message: 'The renderer imports no Node module.' }))],
          patterns: [
            serverInternals,
            { group: ['**/call/peer-link', '**/call/signaling-client'], message: 'Components get call state through hooks/, never the connection itself.' },
          ],
        },
      ],
    },
  },
  // Rule 4: the server stands alone.
  {
    files: ['signaling-server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly],
          patterns: [
            {
              group: ['**/src/main/**', '**/src/renderer/**', '**/src/shared/**', '@shared/*', '../../src/**'],
              message: 'signaling-server/ imports nothing from the app (DESIGN.md, rule 4).',
            },
          ],
        },
      ],
    },
  },
  // The shared contracts cross processes: no Node, no DOM, no electron.
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnly, ...nodeModules.map((name) => ({ name, message: 'src/shared/ is runtime-neutral.' }))] }],
    },
  },
  // Unit tests of renderer code run in Node, beside a real server when they need one.
  {
    files: ['src/renderer/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly], patterns: [serverInternals] }] },
  },
  {
    files: ['tests/**', 'scripts/bench/**'],
    ignores: ['tests/fakes/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    // Tests and benchmarks may reach into the server's source (e.g. to run it in a child process).
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly] }] },
  },
);

// Lint with the import boundaries of docs/architecture.md enforced as rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'url',
  'util',
  'stream',
  'events',
  'worker_threads',
  'tls',
  'dns',
  'zlib',
  'readline',
  'process',
  'buffer',
];
const noNode = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'node:*'];
const restrict = (paths, patterns = [], message) => ({
  'no-restricted-imports': [
    'error',
    { paths: paths.map((name) => ({ name, message })), patterns: patterns.map((group) => ({ group: [group], message })) },
  ],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.tmp/**', 'out/**', 'dist/**', 'console/dist/**', '.demo-data/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  // common/: the contract imports nothing of ours and no runtime.
  {
    files: ['common/**/*.ts'],
    rules: restrict(
      ['electron', 'react', ...noNode, '@vigie/hub', '@vigie/console'],
      ['**/main/**', '**/server/**', '**/renderer/**', '**/console/**', 'node:*'],
      'common/ is the pure contract: no runtime, nothing of ours.',
    ),
  },
  // services/ are Electron-free and UI-free.
  {
    files: ['main/services/**/*.ts', 'main/host/**/*.ts', 'main/platform/node/**/*.ts'],
    rules: restrict(
      ['electron', 'react'],
      ['**/shell/**', '**/renderer/**'],
      'services and the browser host never import Electron or the UI.',
    ),
  },
  // UIs and the browser code they share (web/) run without Node.
  {
    files: ['renderer/**/*.{ts,tsx}', 'console/**/*.{ts,tsx}', 'web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      ['electron', ...noNode, 'socket.io', 'fastify'],
      ['**/main/**', '**/server/**', 'node:*'],
      'UI code runs in a browser: no Node, no Electron, no hub internals.',
    ),
  },
  // The hub never reaches into the app.
  {
    files: ['server/**/*.ts'],
    rules: restrict(
      ['electron', 'react'],
      ['**/main/**', '**/renderer/**', '**/console/src/**'],
      'the hub does not import the app or the console.',
    ),
  },
  // Imports resolved as TypeScript does (`./x.js` is `./x.ts`), for the two rules below.
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } }),
      ],
    },
    rules: {
      // No import cycles (type-only imports included: a cycle of types is still two modules that
      // cannot be understood apart).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // Test support (fixtures, fakes, test clocks) lives in `test-support/` folders: tests, e2e specs,
  // benchmarks and the demo use it; production code never does (the builds fail on it too).
  {
    files: [
      'common/src/**/*.ts',
      'server/src/**/*.ts',
      'main/**/*.ts',
      'preload/**/*.ts',
      'renderer/src/**/*.{ts,tsx}',
      'console/src/**/*.{ts,tsx}',
      'web/**/*.{ts,tsx}',
    ],
    ignores: ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { zones: [{ target: '.', from: '**/test-support/**', message: 'test support is for tests: production code may not import it.' }] },
      ],
    },
  },
);

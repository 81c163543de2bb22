import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { RENDERER_CSP } from './main/services/lib/csp.js';
import { noTestSupport } from './scripts/no-test-support.js';

const root = import.meta.dirname;

/**
 * The CSP as a meta tag, in the production build only (the dev server needs an inline preamble
 * for React refresh); Electron and the browser host also send it as a header.
 */
function cspMeta(): Plugin {
  return {
    name: 'vigie-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  // Main process: ESM, @vigie/common and every devDependency bundled; only the root
  // `dependencies` (socket.io-client, electron-updater) stay external (externalizeDeps default).
  // Production builds ship no source maps (electron-vite's default, stated here so it stays so).
  // The main process stays unminified: its stack traces land in the practice machine's log files
  // and must stay readable there without a map.
  // Test support (`test-support/` folders) never reaches a bundle: the build fails on it.
  main: {
    plugins: [noTestSupport()],
    build: {
      outDir: resolve(root, 'out/main'),
      sourcemap: false,
      lib: { entry: resolve(root, 'main/index.ts') },
    },
  },
  // Sandboxed preload: one CommonJS file, nothing external but electron.
  preload: {
    plugins: [noTestSupport()],
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      sourcemap: false,
      minify: true,
      lib: { entry: resolve(root, 'preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false } },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), cspMeta(), noTestSupport()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // Minified, no source maps: `npm run build` prints the initial JavaScript's size (scripts/size-report.mjs).
      sourcemap: false,
      minify: true,
      // No inline assets: the CSP has no data: for scripts and styles.
      assetsInlineLimit: 0,
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});

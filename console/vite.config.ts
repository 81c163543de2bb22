import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { noTestSupport } from '../scripts/no-test-support.js';

// Technician console: built into console/dist and served by the hub (same origin, strict CSP).
// `npm run build:console` at the repository root; `npx vite --config console/vite.config.ts` for dev
// against a hub listening on 127.0.0.1:8750.
const root = import.meta.dirname;
const hub = process.env.VIGIE_HUB_URL ?? 'http://127.0.0.1:8750';

export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  // Test support (`test-support/` folders) never reaches the bundle: the build fails on it.
  plugins: [react(), noTestSupport()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the build: the hub serves none (and refuses any .map file in the console folder).
    sourcemap: false,
    // The preload polyfill is bundled anyway; modern Chromium/Firefox/Safari need none.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs (CSP default-src 'self').
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5174,
    strictPort: true,
    proxy: {
      '/api': { target: hub, changeOrigin: false },
      '/healthz': { target: hub, changeOrigin: false },
      '/socket.io': { target: hub, ws: true, changeOrigin: false },
    },
  },
});

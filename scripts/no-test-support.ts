import type { Plugin } from 'vite';

/** A module of a `test-support/` folder (fixtures, fakes, test clocks). */
export const isTestSupport = (id: string): boolean => /(^|[\\/])test-support([\\/]|$)/.test(id);

/**
 * Fails a production build that would bundle test support: the app (electron.vite.config.ts) and
 * the console (console/vite.config.ts) builds use it; ESLint forbids the import in the first place
 * (eslint.config.js, import-x/no-restricted-paths).
 */
export function noTestSupport(): Plugin {
  return {
    name: 'vigie-no-test-support',
    enforce: 'pre',
    apply: 'build',
    load(id) {
      if (isTestSupport(id)) this.error(`test support in a production build: ${id} — tests only (docs/architecture.md, Tests).`);
      return null;
    },
  };
}

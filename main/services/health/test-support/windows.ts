/**
 * Shared by the Windows check tests (windows.test.ts, windows.checks.test.ts). Windows pitfalls on the
 * JSON shapes our scripts print: these inputs are CONSTRUCTED in the shape of ConvertTo-Json output
 * (not recordings: there is no Windows machine in CI); the recorded Windows outputs are in
 * fixtures/windows and run in parsers.fixtures.test.ts.
 */
import { readScript } from '../../../platform/node/scripts.js';
import { WINDOWS_SCRIPTS } from '../probes/windows.js';

export const script = (name: keyof typeof WINDOWS_SCRIPTS) => readScript(WINDOWS_SCRIPTS[name]);

export const ctx = { now: new Date('2026-11-28T12:00:00Z'), username: 'dr.martin' };
export const json = (v: unknown, pretty = false) => ({
  stdout: (pretty ? JSON.stringify(v, null, 4) : JSON.stringify(v)) + '\r\n',
  stderr: '',
  exitCode: 0,
});

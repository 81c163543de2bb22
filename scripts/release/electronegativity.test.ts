import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { format, scan } from './electronegativity.mjs';
import { ROOT } from './build.mjs';

let fixtures: string;

beforeAll(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'vigie-eg-fixtures-'));
  await mkdir(join(fixtures, 'unsafe'), { recursive: true });
  await writeFile(
    join(fixtures, 'unsafe', 'window.ts'),
    `import { BrowserWindow } from 'electron';
export const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });
`,
  );
  // The hardened pattern the app must follow (literal flags where Electronegativity can read them).
  await mkdir(join(fixtures, 'hardened'), { recursive: true });
  await writeFile(
    join(fixtures, 'hardened', 'window.ts'),
    `import { app, BrowserWindow, session } from 'electron';
function hardened(preload: string) { return { preload, nodeIntegration: false, webviewTag: false }; }
export function open(preload: string) {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, done) => done(false));
  session.defaultSession.webRequest.onHeadersReceived((d, done) => done({ responseHeaders: { ...d.responseHeaders, 'Content-Security-Policy': ["default-src 'self'"] } }));
  return new BrowserWindow({ webPreferences: { ...hardened(preload), sandbox: true, contextIsolation: true, disableBlinkFeatures: 'Auxclick' } });
}
`,
  );
  // A test file with unsafe settings: not shipped, so not part of the verdict.
  await writeFile(
    join(fixtures, 'hardened', 'window.test.ts'),
    `import { BrowserWindow } from 'electron';\nnew BrowserWindow({ webPreferences: { contextIsolation: false } });\n`,
  );
});

afterAll(async () => {
  await rm(fixtures, { recursive: true, force: true });
});

describe('Electronegativity', () => {
  it('the Electron app (main/, preload/, renderer/) has no HIGH or MEDIUM finding', async () => {
    const result = await scan();
    expect(result.errors).toEqual([]);
    expect(result.failing, format(result)).toEqual([]);
  });

  it('catches an unsafe window (the check is not vacuous) and the script exits 1, printing it', async () => {
    const result = await scan([join(fixtures, 'unsafe')]);
    expect(result.failing.map((f) => f.id)).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'release', 'electronegativity.mjs'), join(fixtures, 'unsafe')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ HIGH\s+\S+\s+CONTEXT_ISOLATION_JS_CHECK\s+\S*window\.ts:2/);
  });

  it('the hardened pattern passes, and test files are left out', async () => {
    const result = await scan([join(fixtures, 'hardened')]);
    expect(result.failing, format(result)).toEqual([]);
    expect(result.findings.some((f) => f.file.endsWith('window.test.ts'))).toBe(false);
  });
});

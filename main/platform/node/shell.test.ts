import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/lib/logger.js';
import { NodeShell, openerFor } from './shell.js';

const log = createLogger({ level: 'silent' });
let bin: string;

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'vigie-shell-'));
  await writeFile(join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n');
  await chmod(join(bin, 'xdg-open'), 0o755);
});
afterAll(() => rm(bin, { recursive: true, force: true }));

describe('"Ouvrir le dossier" in the browser host', () => {
  it('uses the OS opener: xdg-open on PATH with a display, open on macOS, explorer on Windows', () => {
    expect(openerFor('linux', { PATH: bin, DISPLAY: ':0' })).toBe(join(bin, 'xdg-open'));
    expect(openerFor('linux', { PATH: bin, WAYLAND_DISPLAY: 'wayland-0' })).toBe(join(bin, 'xdg-open'));
    expect(openerFor('linux', { PATH: bin })).toBeNull();
    expect(openerFor('linux', { PATH: '/nonexistent', DISPLAY: ':0' })).toBeNull();
    expect(openerFor('win32', {})).toBe('explorer.exe');
    expect(openerFor('darwin', { PATH: bin })).toBeNull();
  });

  it('records the folder when nothing can open it (no display), and the flow still ends normally', async () => {
    const shell = new NodeShell(log, { platform: 'linux', env: { PATH: bin } });
    expect(await shell.openPath('/home/cabinet/Documents')).toBe('');
    expect(shell.recorded).toEqual(['/home/cabinet/Documents']);
  });

  it('starts the opener detached and does not wait for it', async () => {
    const shell = new NodeShell(log, { platform: 'linux', env: { PATH: bin, DISPLAY: ':99' } });
    expect(await shell.openPath(bin)).toBe('');
    expect(shell.recorded).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_SCRIPTS, readScript, scriptPath, scriptsDir } from './scripts.js';

const REPO = join(import.meta.dirname, '..', '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('scripts as files (main/resources/scripts)', () => {
  it('are found in the checkout, every one listed exists, and every file there is listed', () => {
    expect(scriptsDir()).toBe(join(REPO, 'main', 'resources', 'scripts'));
    for (const name of ALL_SCRIPTS) expect(readScript(name).length, name).toBeGreaterThan(0);
    const onDisk = filesUnder(scriptsDir()).map((f) => relative(scriptsDir(), f).split('\\\\').join('/'));
    expect(onDisk.sort()).toEqual([...ALL_SCRIPTS].sort());
  });

  it('each one is used by the code that runs it (and nowhere is a script inlined again)', () => {
    const sources = [
      'main/services/health/probes/windows.ts',
      'main/services/health/probes/macos.ts',
      'main/platform/node/input-xvfb.ts',
      'main/platform/node/system-info.ts',
    ]
      .map((f) => readFileSync(join(REPO, f), 'utf8'))
      .join('\n');
    for (const key of [
      'SCRIPTS.windows[script]',
      'SCRIPTS.macos.xprotectBundles',
      'SCRIPTS.linux.xvfbWatchdog',
      'SCRIPTS.windows.computerModel',
    ])
      expect(sources).toContain(key);
    expect(sources).not.toMatch(/'-Command'|\['-c'/);
  });

  it('are shipped by electron-builder into <resources>/scripts, where the installed app looks first', () => {
    const yml = readFileSync(join(REPO, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/- from: main\/resources\/scripts\n\s+to: scripts/);
    expect(scriptPath(ALL_SCRIPTS[0]!).startsWith(scriptsDir())).toBe(true);
  });
});

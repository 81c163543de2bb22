import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TRAY = join(import.meta.dirname, '..', 'assets', 'tray');

describe('tray icons', () => {
  it('are exactly what scripts/make-icons.mjs produces', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, 'make-icons.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('exist for every tray state at 16 and 32 px, coloured and as macOS templates', () => {
    const names = new Set(readdirSync(TRAY));
    for (const state of ['idle', 'requested', 'connected', 'offline']) {
      for (const [suffix, size] of [
        ['', 16],
        ['@2x', 32],
      ] as const) {
        for (const kind of ['', 'Template']) {
          const name = `tray-${state}${kind}${suffix}.png`;
          expect(names.has(name), name).toBe(true);
          const png = readFileSync(join(TRAY, name));
          expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
          expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
          expect(png[25]).toBe(6); // RGBA
        }
      }
    }
  });

  it('exist for every tray state in each security-health colour (green, orange, red), at 16 and 32 px', () => {
    const names = new Set(readdirSync(TRAY));
    for (const state of ['idle', 'requested', 'connected', 'offline']) {
      for (const colour of ['green', 'orange', 'red']) {
        for (const [suffix, size] of [
          ['', 16],
          ['@2x', 32],
        ] as const) {
          const name = `tray-${state}-${colour}${suffix}.png`;
          expect(names.has(name), name).toBe(true);
          const png = readFileSync(join(TRAY, name));
          expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
        }
      }
    }
  });
});

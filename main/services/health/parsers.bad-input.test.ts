import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probesFor } from './probes/index.js';
import { findingOf } from './scan.js';
import type { CommandOutput, ProbeCommand } from './types.js';

/**
 * Output that cannot be understood is `unknown` with a reason — never `ok`, never a throw — for
 * every parser, through the same guarded path a scan uses (scan.ts findingOf).
 */
const here = dirname(fileURLToPath(import.meta.url));
const expected = JSON.parse(readFileSync(join(here, 'fixtures', 'expected.json'), 'utf8')) as Record<
  string,
  { parser?: string; stream?: string; exitCode?: number }
>;

const commands = new Map<string, ProbeCommand>();
for (const os of ['linux', 'macos', 'windows'] as const)
  for (const p of probesFor(os)) for (const c of p.commands) if (!commands.has(c.parserId)) commands.set(c.parserId, c);

/**
 * Parsers for which an EMPTY answer with exit code 0 is a real, documented answer:
 * an empty configuration file means "defaults" (cat), an empty ruleset means "no firewall rule",
 * an empty `apt-config dump APT::Periodic` means "nothing configured" (what this CI machine prints).
 */
const EMPTY_IS_MEANINGFUL = new Set([
  'linux.nft-list-ruleset',
  'linux.apt-config-periodic',
  'linux.gdm-custom-conf',
  'linux.lightdm-conf',
  'linux.sddm-conf',
  'linux.gdm-guest',
  'linux.lightdm-guest',
  'linux.samba-conf',
  'linux.fstab-cifs',
  'macos.nsmb-conf',
]);

const GARBAGE = [
  'lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n',
  '<html><body><h1>502 Bad Gateway</h1></body></html>\n',
  '{"unexpected": true, "items": [1, 2, 3]}\n',
  'Segmentation fault (core dumped)\n',
  'Error: something went wrong\nat line 3\n',
];

/** Deterministic bytes across the whole range, decoded as the runner decodes them (UTF-8, lenient). */
function binaryJunk(seed: number): string {
  const bytes = new Uint8Array(512);
  let x = seed;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = x & 0xff;
  }
  return new TextDecoder('utf-8').decode(bytes);
}

const out = (stdout: string, stderr = '', exitCode: number | null = 0, extra: Partial<CommandOutput> = {}): CommandOutput => ({
  stdout,
  stderr,
  exitCode,
  failure: null,
  durationMs: 1,
  truncated: false,
  ...extra,
});
const ctx = { now: new Date('2026-11-28T12:00:00Z'), username: 'alice' };

/** A real fixture for this parser, cut in the middle of a line (as an interrupted command leaves it). */
function cutFixture(parserId: string): string | null {
  const entry = Object.entries(expected).find(
    ([, e]) => e.parser === parserId && (e.stream ?? 'stdout') === 'stdout' && (e.exitCode ?? 0) === 0,
  );
  if (!entry) return null;
  const text = readFileSync(join(here, 'fixtures', entry[0]), 'utf8');
  const output = text.slice(text.indexOf('\n') + 1);
  if (output.trim().length < 2) return null;
  let cut = Math.max(1, Math.floor(output.trimEnd().length * 0.6));
  while (cut > 1 && output[cut - 1] === '\n') cut--;
  return output.slice(0, cut);
}

describe('health parsers on bad input', () => {
  it('cover every parser of every OS', () => {
    expect(commands.size).toBeGreaterThan(45);
  });

  for (const [id, command] of commands) {
    describe(id, () => {
      const expectUnknown = (o: CommandOutput) => {
        const f = findingOf(command, o, ctx);
        expect(f.status, JSON.stringify({ f, stdout: o.stdout.slice(0, 80) })).toBe('unknown');
        expect(f.reason?.code).toBeTruthy();
      };

      it('empty output', () => {
        const f = findingOf(command, out(''), ctx);
        if (EMPTY_IS_MEANINGFUL.has(id)) expect(['ok', 'warning', 'critical', 'unknown']).toContain(f.status);
        else {
          expect(f.status).toBe('unknown');
          expect(f.reason?.code).toBeTruthy();
        }
        expectUnknown(out('', '', 1));
        expectUnknown(out('', '', null, { failure: 'timeout' }));
        expectUnknown(out('', '', null, { failure: 'not-found' }));
      });

      it('garbage', () => {
        for (const g of GARBAGE) {
          expectUnknown(out(g));
          expectUnknown(out(g, g, 1));
          expectUnknown(out('', g, 2));
        }
      });

      it('binary junk', () => {
        for (const seed of [1, 7, 42]) {
          expectUnknown(out(binaryJunk(seed)));
          expectUnknown(out('', binaryJunk(seed), 1));
        }
      });

      it('truncated output', () => {
        expectUnknown(out('{"Name":"Public","Enab', '', 0));
        expectUnknown(out('partial answer\n', '', 0, { truncated: true }));
        const cut = cutFixture(id);
        if (cut !== null && !command.textFile) expectUnknown(out(cut));
      });

      it('never throws, even when called directly with anything', () => {
        for (const s of [...GARBAGE, '', binaryJunk(3), '\u0000\u0000\u0000', '{'.repeat(5000), 'a'.repeat(200_000)]) {
          for (const code of [0, 1, null]) {
            expect(() => command.parse({ stdout: s, stderr: s, exitCode: code }, ctx)).not.toThrow();
            expect(() => command.parse({ stdout: s, stderr: s, exitCode: code }, { now: new Date(Number.NaN) })).not.toThrow();
          }
        }
      });
    });
  }
});

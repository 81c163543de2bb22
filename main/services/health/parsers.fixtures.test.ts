import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HealthStatus, isHealthMessageKey, renderCheckMessage } from '@vigie/common';
import { parserRegistry } from './probes/index.js';
import { asDate, readRecords } from './parsers/records.js';
import { PRACTITIONER_JARGON } from './test-support/index.js';

/**
 * Every recorded output under fixtures/ goes through its parser and must give the status that
 * fixtures/expected.json declares; what the practitioner then reads, in French and English, is in
 * plain words (the tool and its output stay in the technician's evidence). A new fixture file
 * without an entry fails: adding a file adds a test.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, 'fixtures');

interface ParserExpectation {
  parser: string;
  status: HealthStatus;
  /** The message key the parser must give (its texts exist in French and English). */
  key?: string;
  /** Parameters the finding must carry (a subset). */
  params?: Record<string, string | number>;
  stream?: 'stdout' | 'stderr';
  exitCode?: number;
  username?: string;
  now?: string;
  note?: string;
}
interface DatesExpectation {
  dates: string[];
}
type Expectation = ParserExpectation | DatesExpectation;

const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Record<string, Expectation | string>;
const registry = parserRegistry();

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? fixtureFiles(join(dir, e.name))
      : e.name.endsWith('.txt')
        ? [relative(root, join(dir, e.name)).split('\\').join('/')]
        : [],
  );
}
const files = fixtureFiles(root).sort();

/** Line 1 is the "# source:" header; the rest is the output, byte for byte. */
function body(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? '' : text.slice(nl + 1);
}

describe('health fixtures', () => {
  it('are each listed with their source in fixtures/README.md', () => {
    const index = readFileSync(join(root, 'README.md'), 'utf8');
    expect(files.filter((f) => !index.includes(`\`${f}\``))).toEqual([]);
  });

  it('are there, each with an expectation, and every expectation has its file', () => {
    expect(files.length).toBeGreaterThan(40);
    const declared = Object.keys(expected).filter((k) => !k.startsWith('$'));
    expect(declared.filter((k) => !files.includes(k))).toEqual([]);
    expect(files.filter((f) => !(f in expected))).toEqual([]);
  });

  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text.startsWith('# source: '), 'line 1 must be the "# source:" header').toBe(true);
      const exp = expected[file];
      expect(exp, `add "${file}" to fixtures/expected.json`).toBeTypeOf('object');
      if (typeof exp !== 'object') return;
      const output = body(text);

      if ('dates' in exp) {
        const r = readRecords(output);
        if (r.kind === 'error') throw new Error(`records not read: ${r.detail}`);
        const dates = r.records.flatMap((rec) => {
          const whole = asDate(rec);
          if (whole) return [whole.toISOString()];
          return Object.values(rec)
            .map((v) => asDate(v))
            .filter((d): d is Date => d !== null)
            .map((d) => d.toISOString());
        });
        expect(dates).toEqual(exp.dates);
        return;
      }

      const parser = registry.get(exp.parser);
      expect(parser, `unknown parser ${exp.parser}`).toBeDefined();
      const stream = exp.stream ?? 'stdout';
      const input = { stdout: stream === 'stdout' ? output : '', stderr: stream === 'stderr' ? output : '', exitCode: exp.exitCode ?? 0 };
      const ctx = { now: new Date(exp.now ?? '2026-11-28T12:00:00Z'), ...(exp.username ? { username: exp.username } : {}) };
      const f = parser!.parse(input, ctx);
      expect(f.status, JSON.stringify(f)).toBe(exp.status);
      expect(isHealthMessageKey(f.key)).toBe(true);
      if (exp.key) expect(f.key).toBe(exp.key);
      if (exp.params) expect(f.params).toMatchObject(exp.params);
      if (f.status === 'unknown') expect(f.reason?.code).toBeTruthy();
      else expect(f.reason).toBeUndefined();
      for (const locale of ['fr', 'en'] as const) {
        const reason = f.reason ? { ...f.reason, text: '' } : null;
        // The check only names the "could not check" title; the finding's key and parameters make the words.
        const t = renderCheckMessage(locale, { id: 'firewall', message: { key: f.key, params: f.params }, reason });
        expect(`${t.title} ${t.explanation} ${t.remediation ?? ''}`, locale).not.toMatch(PRACTITIONER_JARGON);
      }
    });
  }
});

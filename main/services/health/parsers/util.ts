import type { HealthMessageKey, HealthStatus, MessageParams, UnknownReasonCode } from '@vigie/common';
import type { Finding, ParserInput } from '../types.js';

// ---------- findings ----------
export function finding<D>(
  status: Exclude<HealthStatus, 'unknown'>,
  key: HealthMessageKey,
  params: MessageParams = {},
  data?: D,
): Finding<D> {
  return data === undefined ? { status, key, params } : { status, key, params, data };
}
export const ok = <D>(key: HealthMessageKey, params: MessageParams = {}, data?: D) => finding('ok', key, params, data);
export const warning = <D>(key: HealthMessageKey, params: MessageParams = {}, data?: D) => finding('warning', key, params, data);
export const critical = <D>(key: HealthMessageKey, params: MessageParams = {}, data?: D) => finding('critical', key, params, data);

export function unknown<D = never>(code: UnknownReasonCode, params: MessageParams = {}): Finding<D> {
  return { status: 'unknown', key: 'unknown', params: {}, reason: { code, params } };
}
/** The answer was not understood. */
export const unparseable = (command: string) => unknown('unparseable', { command });
export const incomplete = (command: string, detail: string) => unknown('incomplete', { command, detail });

// ---------- text ----------
/** Normalises line ends and strips a BOM and NULs (UTF-16 read as UTF-8 leaves NULs). */
export function clean(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\u0000')
    .join('');
}

/** True for output that is not text: many control characters or replacement characters. */
export function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || c === 0x7f) bad++;
  }
  return bad / text.length > 0.05;
}

/**
 * macOS tools (`defaults`, `softwareupdate`) sometimes prefix their message with a log line such
 * as "2026-06-06 16:46:33.677 defaults[40168:7917568]"; this removes such prefixes.
 */
export function stripMacLogPrefix(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [\w.-]+\[\d+:\w+\]\s*/gm, '');
}

/** stdout and stderr together, cleaned: many macOS and Windows tools write their answer on stderr. */
export function combined(input: ParserInput): string {
  const out = clean(input.stdout).trim();
  const err = clean(input.stderr).trim();
  return out && err ? `${out}\n${err}` : out || err;
}

export function nonEmptyLines(text: string): string[] {
  return clean(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** "KEY=value" lines (os-release, timedatectl show, gdm custom.conf…); quotes removed; first wins. */
export function keyValues(text: string, sep = '='): Map<string, string> {
  const map = new Map<string, string>();
  for (const raw of clean(text).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const i = line.indexOf(sep);
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    let v = line.slice(i + sep.length).trim();
    if ((v.startsWith('"') && v.endsWith('"') && v.length >= 2) || (v.startsWith("'") && v.endsWith("'") && v.length >= 2))
      v = v.slice(1, -1);
    if (!map.has(k)) map.set(k, v);
  }
  return map;
}

/** True when every meaningful line is a [section] or a key=value: anything else is not a config file. */
export function looksLikeIni(text: string): boolean {
  return clean(text)
    .split('\n')
    .map((l) => l.trim())
    .every((l) => !l || l.startsWith('#') || l.startsWith(';') || /^\[[^\]]+\]$/.test(l) || /^[^=\s][^=]*=/.test(l));
}

/** An INI file as sections (lower-cased names) of lower-cased keys; comments dropped; last wins. */
export function iniSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  sections.set('', current);
  for (const raw of clean(text).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      const name = (sec[1] ?? '').trim().toLowerCase();
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const i = line.indexOf('=');
    if (i <= 0) continue;
    current.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return sections;
}

/** Output of `cat FILE`: the text, or 'absent' when the file does not exist, or null when unreadable. */
export function fileContent(input: ParserInput): { state: 'present'; text: string } | { state: 'absent' } | { state: 'denied' } | null {
  if (input.exitCode === 0) return { state: 'present', text: clean(input.stdout) };
  const err = clean(input.stderr);
  if (/No such file or directory/i.test(err)) return { state: 'absent' };
  if (/Permission denied/i.test(err)) return { state: 'denied' };
  return null;
}

export const isTruthy = (v: string | undefined): boolean => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
export const isFalsy = (v: string | undefined): boolean => v !== undefined && /^(0|false|no|off)$/i.test(v.trim());

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / 86_400_000);
}

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

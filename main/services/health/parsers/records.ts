import { clean } from './util.js';

/**
 * Reads what Windows tools print into flat records with normalised keys (lower case, letters and
 * digits only: "Protection Status" → "protectionstatus"). Understands:
 * - `ConvertTo-Json` from Windows PowerShell 5.1 and PowerShell 7 (a single object is not wrapped
 *   in an array: both shapes give a list of records);
 * - `Format-List` text ("Key : Value"), `manage-bde` ("Key:   Value") and `wmic /format:list`
 *   ("Key=Value"), records separated by blank lines, indented continuation lines appended;
 * - `Format-Table` text (a header line underlined with dashes).
 * Prompt lines ("PS C:\…>", "C:\>…") pasted around the output are ignored.
 */
export type Rec = Record<string, unknown>;

export const normKey = (k: string): string => k.toLowerCase().replace(/[^a-z0-9]/g, '');

function normaliseObject(o: Record<string, unknown>): Rec {
  const out: Rec = {};
  for (const [k, v] of Object.entries(o)) out[normKey(k)] = v;
  return out;
}

export type RecordsResult = { kind: 'json' | 'list' | 'table'; records: Rec[] } | { kind: 'error'; detail: string };

export function readRecords(text: string): RecordsResult {
  const t = clean(text).trim();
  if (!t) return { kind: 'error', detail: 'vide' };
  if (t.startsWith('{') || t.startsWith('[')) {
    let docs: unknown[];
    try {
      docs = [JSON.parse(t)];
    } catch {
      // Two commands each piped to ConvertTo-Json print two documents one after the other.
      const parts = splitJsonDocuments(t);
      if (!parts) return { kind: 'error', detail: 'JSON invalide ou tronqué' };
      docs = parts;
    }
    const arr = docs.flatMap((v) => (Array.isArray(v) ? v : [v]));
    const records = arr
      .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x))
      .map(normaliseObject);
    return records.length ? { kind: 'json', records } : { kind: 'error', detail: 'JSON sans objet' };
  }
  const lines = t.split('\n').filter((l) => !/^\s*(PS [^>]*>|[A-Z]:\\[^>]*>)/.test(l));
  const embedded = /^\s*[{[]/m.test(t) ? splitJsonDocuments(lines.filter((l) => /^\s*[{}[\]"]/.test(l)).join('\n')) : null;
  if (embedded) {
    const records = embedded
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
      .map(normaliseObject);
    if (records.length) return { kind: 'json', records };
  }
  const table = readTable(lines);
  if (table) return { kind: 'table', records: table };
  const list = readList(lines);
  return list.length ? { kind: 'list', records: list } : { kind: 'error', detail: 'aucune donnée reconnue' };
}

/** Top-level JSON documents written one after another ("{…}{…}" or on separate lines); null if any is broken. */
export function splitJsonDocuments(text: string): unknown[] | null {
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) return null;
      if (depth === 0) {
        try {
          docs.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          return null;
        }
      }
    }
  }
  return depth === 0 && docs.length ? docs : null;
}

function readTable(lines: string[]): Rec[] | null {
  const dashIdx = lines.findIndex((l, i) => i > 0 && /^\s*-{2,}(\s+-{2,})*\s*$/.test(l) && /\S/.test(lines[i - 1] ?? ''));
  if (dashIdx < 0) return null;
  const header = lines[dashIdx - 1] ?? '';
  const dashLine = lines[dashIdx] ?? '';
  const cols: Array<{ start: number; end: number }> = [];
  const re = /-+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(dashLine))) cols.push({ start: m.index, end: m.index + m[0].length });
  if (cols.length === 0) return null;
  // Columns are separated by whitespace; a value may overflow its dashes, so cut at the next column's start.
  const names = cols.map((c, i) => normKey(header.slice(c.start, i + 1 < cols.length ? cols[i + 1]!.start : undefined)));
  const rows: Rec[] = [];
  for (const line of lines.slice(dashIdx + 1)) {
    if (!line.trim()) {
      if (rows.length) break;
      continue;
    }
    const rec: Rec = {};
    cols.forEach((c, i) => {
      const next = cols[i + 1];
      rec[names[i] ?? `col${i}`] = line.slice(i === 0 ? 0 : c.start, next ? next.start : undefined).trim();
    });
    rows.push(rec);
  }
  return rows.length ? rows : null;
}

function readList(lines: string[]): Rec[] {
  const records: Rec[] = [];
  let cur: Rec = {};
  let lastKey: string | null = null;
  const flush = () => {
    if (Object.keys(cur).length) records.push(cur);
    cur = {};
    lastKey = null;
  };
  for (const line of lines) {
    if (!line.trim()) {
      flush();
      continue;
    }
    const kv = /^\s*([A-Za-z][\w .%()/-]*?)\s*(?:\s:\s?|:(?=\s|$)|=)\s*(.*)$/.exec(line);
    if (kv) {
      const key = normKey(kv[1] ?? '');
      if (key) {
        if (key in cur) {
          // same key again in one block: a new record began without a blank line
          flush();
        }
        cur[key] = (kv[2] ?? '').trim();
        lastKey = key;
        continue;
      }
    }
    if (lastKey !== null) {
      const prev = cur[lastKey];
      cur[lastKey] = prev === '' || prev === undefined ? line.trim() : `${String(prev)}\n${line.trim()}`;
    }
  }
  flush();
  return records;
}

// ---------- values ----------
/** True / False / 1 / 0 / "True" / "Enabled" → boolean; anything else → null. */
export function asBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', '1', 'yes', 'on', 'enabled', 'vrai', 'oui', 'actif'].includes(s)) return true;
    if (['false', '0', 'no', 'off', 'disabled', 'faux', 'non', 'inactif'].includes(s)) return false;
  }
  return null;
}

export function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

export function asString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * Dates as PowerShell serialises them: ISO-8601 (PowerShell 7, or `.ToString('o')`),
 * "\/Date(ms)\/" (Windows PowerShell 5.1), or the 5.1 DateTime object
 * { value: "\/Date(ms)\/", DisplayHint, DateTime }. Culture-formatted text ("7/30/2013 3:01:45 AM",
 * "01.01.1601 6:00:00") is ambiguous and gives null.
 */
export function asDate(v: unknown): Date | null {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = normaliseObject(v as Record<string, unknown>);
    return asDate(o.value);
  }
  if (typeof v !== 'string') return null;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v.trim());
  if (ms) return new Date(Number(ms[1]));
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v.trim())) {
    const d = new Date(v.trim());
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/** ConvertTo-Json past its depth writes nested objects as their type name or "@{…}" text. */
export function isDepthTruncated(v: unknown): boolean {
  return typeof v === 'string' && (/^@\{.*\}$/s.test(v.trim()) || /^System\.[\w.]+(\[\])?$/.test(v.trim()));
}

/** A nested list that may have been unwrapped to a single object by ConvertTo-Json. */
export function asList(v: unknown): Rec[] | null {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null).map(normaliseObject);
  if (typeof v === 'object') return [normaliseObject(v as Record<string, unknown>)];
  return null;
}

export function asRecord(v: unknown): Rec | null {
  if (v && typeof v === 'object' && !Array.isArray(v)) return normaliseObject(v as Record<string, unknown>);
  return null;
}

import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';

export const nowIso = (): string => new Date().toISOString();
export const newId = (): string => randomUUID();
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
/** 32 random bytes, base64url: device tokens and session tokens. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** Readable code alphabet without 0/O, 1/I/L, 2/Z, 5/S, 8/B lookalikes. */
const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export function randomCode(length = 8): string {
  let s = '';
  for (let i = 0; i < length; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
/** Case/space/dash-insensitive form of an enrollment code. */
export const normalizeCode = (code: string): string => code.toUpperCase().replace(/[\s-]/g, '');
/** `ABCD-EFGH` for display. */
export const formatCode = (code: string): string => (code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code);

/** Deterministic JSON (sorted keys, recursively): what audit hashes are computed over. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function initials(displayName: string): string {
  const parts = displayName
    .trim()
    .split(/[\s-]+/)
    .filter(Boolean);
  const letters = parts.length >= 2 ? [parts[0]!, parts[parts.length - 1]!].map((p) => p[0]) : [parts[0]?.slice(0, 2) ?? '?'];
  return letters.join('').toUpperCase().slice(0, 4);
}

export function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Token bucket: `rate` tokens per second, at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(n = 1): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
  /** Milliseconds until `n` tokens are available. */
  retryAfterMs(n = 1): number {
    return Math.max(0, Math.ceil(((n - this.tokens) / this.rate) * 1000));
  }
}

/**
 * One run of `task` at a time, and every call answered by a run begun after it: a call while a run
 * is going gets the next one (one for all such calls). A sweep called right after the clock moved
 * or a row changed sees it — the run going on may have read the rows already. `settled()` waits
 * until no run is going or due (shutdown).
 */
export function serialRuns(task: () => Promise<void>): { run: () => Promise<void>; settled: () => Promise<void> } {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const p: Promise<void> = task().finally(() => {
      if (current === p) current = null;
    });
    current = p;
    return p;
  };
  return {
    run: () => {
      if (!current) return start();
      next ??= current
        .catch(() => undefined)
        .then(() => {
          next = null;
          return current ?? start();
        });
      return next;
    },
    settled: async () => {
      while (next ?? current) await (next ?? current)!.catch(() => undefined);
    },
  };
}

/** The columns a row's new version changed (what a compare-and-set UPDATE of a decided transition sets). */
export function changedColumns<R extends object>(before: R, after: R): Partial<R> {
  const set: Partial<R> = {};
  for (const k of Object.keys(after) as Array<keyof R>) if (after[k] !== before[k]) set[k] = after[k];
  return set;
}

import { z } from 'zod';

/**
 * Every boundary (IPC handler, socket handler, HTTP route) answers with this envelope.
 * Error codes are stable identifiers; `message` is a plain-language sentence (French by
 * default) safe to show, and UIs translate the code through i18n `errors.<CODE>`.
 */
export const ERROR_CODES = [
  'BAD_REQUEST', // payload failed the contract's schema
  'UNKNOWN_EVENT', // socket event or IPC method that does not exist
  'UNAUTHORIZED', // no or invalid credentials (token, session)
  'REVOKED', // device token revoked by the provider
  'FORBIDDEN', // authenticated but not allowed (another device's request, not assigned…)
  'NOT_FOUND',
  'CONFLICT', // state does not allow it (already accepted by someone else, already resolved…)
  'RATE_LIMITED',
  'INVALID_CODE', // enrollment code unknown
  'INVALID_CREDENTIALS', // login, password or TOTP wrong
  'TOTP_REQUIRED',
  'LOCKED_OUT', // too many failed logins: back-off in force
  'NOT_ENROLLED',
  'OFFLINE', // the hub cannot be reached right now
  'UNAVAILABLE', // a capability is not available on this machine (no display, no restic…)
  'TIMEOUT',
  'INTERNAL',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Optional machine-readable details: field paths for BAD_REQUEST, retryAfterMs for RATE_LIMITED/LOCKED_OUT. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export type Ok<T> = { ok: true; data: T };
export type Err = { ok: false; error: ErrorBody };
export type Result<T> = Ok<T> | Err;

export function resultSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: ErrorBody })]);
}

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const err = (code: ErrorCode, message: string, details?: Record<string, unknown>): Err => ({
  ok: false,
  error: details ? { code, message, details } : { code, message },
});

/** The one error type of the project: thrown inside services, turned into `Err` at boundaries. */
export class VigieError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'VigieError';
  }
  toBody(): ErrorBody {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into an `Err`; unknown errors become INTERNAL without leaking internals. */
export function toErr(e: unknown): Err {
  if (e instanceof VigieError) return { ok: false, error: e.toBody() };
  return err('INTERNAL', 'Erreur interne. Réessayez dans un instant.');
}

/** A UTF-16 code unit of a surrogate pair standing alone (not Unicode text: no UTF-8 form). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `s` is well-formed Unicode (no lone surrogate) without U+0000 (no text store keeps it:
 * Postgres refuses it in text): it survives storage unchanged, on SQLite or Postgres.
 */
export const isWellFormedText = (s: string): boolean => !LONE_SURROGATE.test(s) && !s.includes('\u0000');

/**
 * Path of the first string (value or object key) in `value` that is not well-formed Unicode, or
 * null. Walks arrays and plain objects only (what JSON, socket.io and structured clone give),
 * without recursion (any nesting depth).
 */
export function illFormedTextPath(value: unknown): string | null {
  type Node = { v: unknown; key: string | number | null; parent: Node | null };
  const name = (n: Node, extra?: string) => {
    const parts: Array<string | number> = extra === undefined ? [] : [extra];
    for (let at: Node | null = n; at && at.key !== null; at = at.parent) parts.unshift(at.key);
    return parts.join('.') || '(valeur)';
  };
  const seen = new Set<object>();
  const stack: Node[] = [{ v: value, key: null, parent: null }];
  while (stack.length > 0) {
    const n = stack.pop()!;
    const v = n.v;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) return name(n);
      continue;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: n });
      continue;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) continue;
    for (const [k, child] of Object.entries(v)) {
      if (!isWellFormedText(k)) return name(n, '(clé)');
      stack.push({ v: child, key: k, parent: n });
    }
  }
  return null;
}

/**
 * Parses `input` with `schema`; a failure becomes a BAD_REQUEST VigieError listing the bad fields.
 * This is the one entry of every socket event, IPC call and HTTP body: a text that is not
 * well-formed Unicode (a lone surrogate), or holds U+0000, is refused here, whatever the schema, so
 * no such string is ever stored (on either store), hashed into the audit chain or shown.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const illFormed = illFormedTextPath(input);
  if (illFormed !== null) {
    throw new VigieError('BAD_REQUEST', `Données invalides (${illFormed} : texte Unicode mal formé ou caractère nul).`, {
      issues: [{ path: illFormed, message: 'texte Unicode mal formé ou caractère nul' }],
    });
  }
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new VigieError('BAD_REQUEST', first ? `Données invalides (${first.path || 'corps'} : ${first.message}).` : 'Données invalides.', {
    issues,
  });
}

/**
 * What never goes into the app's log files (and never leaves the machine in a log line):
 *
 * - secrets, by field name — tokens, passwords, passphrases, keys, TOTP codes, enrollment codes,
 *   cookies, authorization headers — and, in any text, what looks like one (a `Bearer …` value, a
 *   `password=…` pair, an enrollment code such as `7N7Q-7DJ6`, a long hex or base64 run);
 * - patient file names: a practice's paths name patients (« Patients/Dupont Jeanne/radio.pdf »).
 *   Every path keeps its root, its depth and its last extension, the names go:
 *   `/home/dr/Patients/Dupont Jeanne.pdf` → `/…/…/…/….pdf`, `C:\Users\dr\x.docx` → `C:\…\…\….docx`.
 *   Fields that hold paths (`path`, `paths`, `folder`, `targetDir`, `file`…) are redacted whole,
 *   relative paths included; in free text, absolute paths are found and redacted (a path runs
 *   until a quote, a newline, `: `, `, `, a closing bracket or a name with an extension, so names
 *   with spaces go too).
 *
 * Used by the logger on every line, and again by the device when it sends lines to a technician.
 */

export const REDACTED = '[redacted]';
const ELLIPSIS = '…';

/** Field names whose value is a secret, whatever it looks like. */
const SECRET_KEY =
  /(token|passw|passphrase|secret|totp|otp$|cookie|authorization|apikey|api_key|privatekey|private_key|credential|enroll.*code|^key$|[a-z]Key$|_key$)/i;
/** Field names whose value is a path or a list of paths. */
const PATH_KEY =
  /^(path|paths|file|files|filename|folder|folders|dir|dirs|targetDir|root|roots|cwd|repository|repo|staging|includes|excludes)$/i;

const EXT = /\.[A-Za-z0-9]{1,8}$/;

/** One path with its names dropped: root, separators and the last extension kept. */
export function redactPath(p: string): string {
  const m = /^([A-Za-z]:[\\/]|\\\\|\/|~[\\/]?)?(.*)$/s.exec(p);
  const root = m?.[1] ?? '';
  const rest = m?.[2] ?? p;
  if (rest === '') return root;
  const parts = rest.split(/([\\/]+)/);
  let last = parts.length - 1;
  while (last > 0 && parts[last] === '') last -= 2;
  return (
    root +
    parts
      .map((seg, i) => {
        if (i % 2 === 1 || seg === '') return seg; // a separator, or a trailing empty part
        if (seg === '.' || seg === '..') return seg;
        const ext = i === last ? EXT.exec(seg)?.[0] : undefined;
        return ext && ext.length < seg.length ? ELLIPSIS + ext : ELLIPSIS;
      })
      .join('')
  );
}

// An absolute path in text: POSIX `/a/b`, Windows `C:\a`, UNC `\\server\share`, home `~/a`. Not
// the `//host/x` of a URL (the `/` must not follow a word character, `:` or another `/`).
const PATH_IN_TEXT = /(?<![\w:/\\.~-])((?:[A-Za-z]:[\\/]|\\\\|~[\\/]|\/)(?:[^\s"'`<>|,;:)\]}]|:(?!\s|$)|[ \t](?=[^\s"'`<>|,;:)\]}]))+)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const PAIR = /\b(token|password|passwd|pwd|secret|passphrase|code|totp|key|auth)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;]+)/gi;
const ENROLL_CODE = /\b[A-Z0-9]{4}-[A-Z0-9]{4}\b/g;
const LONG_HEX = /\b[a-f0-9]{32,}\b/gi;
const LONG_B64 = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}={0,2}/g;

/** Secrets and absolute paths in free text. */
export function redactText(text: string): string {
  return text
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(PAIR, (_m, k: string, sep: string) => `${k}${sep}${REDACTED}`)
    .replace(PATH_IN_TEXT, (p: string) => {
      // A name with an extension followed by words: the path ends at the extension (« /a/b.pdf failed »).
      const end = /\.[A-Za-z0-9]{1,8}(?=[ \t])/.exec(p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'))));
      const cut = end ? Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + end.index + end[0].length : p.length;
      const path = p.slice(0, cut).replace(/[ \t.]+$/, '');
      return redactPath(path) + p.slice(path.length);
    })
    .replace(ENROLL_CODE, REDACTED)
    .replace(LONG_HEX, REDACTED)
    .replace(LONG_B64, REDACTED);
}

/** A value of a field that holds paths: every string in it is a path. */
function redactPaths(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return redactPath(v);
  if (Array.isArray(v)) return v.map((x) => redactPaths(x, depth + 1));
  return redactValue(v, depth + 1);
}

/** A value of any shape, by field names and by text. Cycles and deep nesting are cut. */
export function redactValue(v: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof v === 'string') return redactText(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth > 8 || seen.has(v)) return '[…]';
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (SECRET_KEY.test(k) && x !== null && x !== undefined && typeof x !== 'boolean') out[k] = REDACTED;
    else if (PATH_KEY.test(k)) out[k] = redactPaths(x, depth);
    else out[k] = redactValue(x, depth + 1, seen);
  }
  return out;
}

/** A log line as written (a JSON object, or any text): redacted, still one line. */
export function redactLine(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.stringify(redactValue(JSON.parse(trimmed)));
    } catch {
      // not JSON after all: redacted as text below
    }
  }
  return redactText(line).replace(/[\r\n]+/g, ' ');
}

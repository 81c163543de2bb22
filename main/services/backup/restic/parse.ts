import { z } from 'zod';

/**
 * restic's JSON outputs, parsed leniently (fields added by later versions are ignored, fields
 * missing in older versions are optional). Checked against 0.14 output here and the 0.17+
 * scripting documentation.
 */

const num = z.number().nonnegative();

export const ResticSnapshotJson = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  short_id: z.string().optional(),
  time: z.string(),
  hostname: z.string().default(''),
  username: z.string().optional(),
  paths: z.array(z.string()).default([]),
  tags: z.array(z.string()).nullable().optional(),
  parent: z.string().optional(),
  tree: z.string().optional(),
  /** 0.17+ */
  summary: z
    .object({
      total_files_processed: num.optional(),
      total_bytes_processed: num.optional(),
      files_new: num.optional(),
      files_changed: num.optional(),
      data_added: num.optional(),
    })
    .optional(),
});
export type ResticSnapshotJson = z.infer<typeof ResticSnapshotJson>;

export const ResticSnapshotsJson = z.array(ResticSnapshotJson).nullable();

/** One line of `ls --json`: the snapshot first, then nodes ("struct_type", or "message_type" in 0.17+). */
export const ResticLsNode = z.object({
  name: z.string(),
  type: z.string(),
  path: z.string(),
  size: num.optional(),
  mtime: z.string().optional(),
  mode: z.number().optional(),
});
export type ResticLsNode = z.infer<typeof ResticLsNode>;

/** One JSON line of restic's output whose `struct_type` (0.14) or `message_type` (later) is `type`, parsed with `schema`; null otherwise. */
function typedLine<S extends z.ZodType>(line: string, type: string, schema: S): z.infer<S> | null {
  if (!line.startsWith('{')) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  const o = v as { struct_type?: unknown; message_type?: unknown };
  if (o.struct_type !== type && o.message_type !== type) return null;
  const r = schema.safeParse(v);
  return r.success ? (r.data as z.infer<S>) : null;
}

export function parseLsLine(line: string): ResticLsNode | null {
  return typedLine(line, 'node', ResticLsNode);
}

/** One line of `diff --json`: `{"message_type":"change","path":"/a/b","modifier":"M"}` (folders end with '/'). */
export const ResticDiffChange = z.object({
  path: z.string().min(1),
  modifier: z.string(),
});
export type ResticDiffChange = z.infer<typeof ResticDiffChange>;

export function parseDiffLine(line: string): ResticDiffChange | null {
  return typedLine(line, 'change', ResticDiffChange);
}

export const ResticFindJson = z
  .array(
    z.object({
      snapshot: z.string(),
      hits: z.number().optional(),
      matches: z
        .array(
          z.object({
            path: z.string(),
            type: z.string(),
            size: num.optional(),
            mtime: z.string().optional(),
          }),
        )
        .nullable()
        .default([]),
    }),
  )
  .nullable();
export type ResticFindJson = z.infer<typeof ResticFindJson>;

export const ResticStatsJson = z.object({
  total_size: num,
  total_file_count: num.optional(),
  snapshots_count: num.optional(),
});

export const BackupStatusLine = z.object({
  message_type: z.literal('status'),
  percent_done: z.number().optional(),
  total_files: num.optional(),
  files_done: num.optional(),
  total_bytes: num.optional(),
  bytes_done: num.optional(),
  error_count: num.optional(),
  seconds_remaining: num.optional(),
  current_files: z.array(z.string()).nullable().optional(),
});
export type BackupStatusLine = z.infer<typeof BackupStatusLine>;

export const BackupSummaryLine = z.object({
  message_type: z.literal('summary'),
  files_new: num.default(0),
  files_changed: num.default(0),
  files_unmodified: num.default(0),
  data_added: num.default(0),
  total_files_processed: num.default(0),
  total_bytes_processed: num.default(0),
  total_duration: num.optional(),
  snapshot_id: z.string().optional(),
});
export type BackupSummaryLine = z.infer<typeof BackupSummaryLine>;

/** `{"message_type":"error","error":{…},"during":"archival","item":"/path"}` (stderr in 0.14, stdout later). */
export const ErrorLine = z.object({
  message_type: z.literal('error'),
  error: z.unknown().optional(),
  during: z.string().optional(),
  item: z.string().optional(),
});
export type ErrorLine = z.infer<typeof ErrorLine>;

/** restore --json (0.16+). */
export const RestoreStatusLine = z.object({
  message_type: z.enum(['status', 'summary']),
  percent_done: z.number().optional(),
  total_files: num.optional(),
  files_restored: num.optional(),
  total_bytes: num.optional(),
  bytes_restored: num.optional(),
  seconds_remaining: num.optional(),
});
export type RestoreStatusLine = z.infer<typeof RestoreStatusLine>;

export type BackupLine =
  { kind: 'status'; v: BackupStatusLine } | { kind: 'summary'; v: BackupSummaryLine } | { kind: 'error'; v: ErrorLine } | { kind: 'other' };

export function parseBackupLine(line: string): BackupLine {
  if (!line.startsWith('{')) return { kind: 'other' };
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'other' };
  }
  const t = (v as { message_type?: unknown }).message_type;
  if (t === 'status') {
    const r = BackupStatusLine.safeParse(v);
    if (r.success) return { kind: 'status', v: r.data };
  } else if (t === 'summary') {
    const r = BackupSummaryLine.safeParse(v);
    if (r.success) return { kind: 'summary', v: r.data };
  } else if (t === 'error') {
    const r = ErrorLine.safeParse(v);
    if (r.success) return { kind: 'error', v: r.data };
  }
  return { kind: 'other' };
}

export function parseRestoreLine(line: string): RestoreStatusLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const r = RestoreStatusLine.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** restic's lock file (`cat lock <id>`). */
export const ResticLockJson = z.object({
  time: z.string(),
  exclusive: z.boolean().default(false),
  hostname: z.string().default(''),
  username: z.string().optional(),
  pid: z.number().int(),
});
export type ResticLockJson = z.infer<typeof ResticLockJson>;

/** Parses JSON output, tolerating text lines restic prints before it (warnings). */
export function parseJsonDocument(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.search(/^[[{]/m);
    if (start > 0) {
      try {
        return JSON.parse(trimmed.slice(start));
      } catch {
        /* fall through */
      }
    }
    return undefined;
  }
}

/** restic prints times with nanoseconds and a zone offset; the contract wants ISO 8601 (ms). */
export function isoTime(t: string | undefined): string | null {
  if (!t) return null;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) {
    // Go's "2006-01-02T15:04:05.999999999+01:00": JS Date handles up to ms only on some engines.
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(t);
    if (!m) return null;
    const ms = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '';
    const d2 = new Date(`${m[1]}${ms}${m[3]}`);
    return Number.isNaN(d2.getTime()) ? null : d2.toISOString();
  }
  return d.toISOString();
}

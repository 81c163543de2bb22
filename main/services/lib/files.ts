import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';
import type { Logger } from '../../platform/ports.js';

/**
 * Writes `data` to `path` so that a reader (or a crash) sees either the old file or the new one,
 * never half of it: temp file in the same directory, fsync, rename over, fsync the directory.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  // Make the rename itself durable; not every platform lets a directory be opened (Windows).
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * Reads a JSON file and parses it with `schema`. Missing → null. Unreadable or invalid → the file
 * is set aside as `<name>.corrupt-<time>` (never silently discarded) and null is returned.
 */
export async function readJsonFile<S extends z.ZodType>(path: string, schema: S, logger?: Logger): Promise<z.infer<S> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const r = parsed === undefined ? null : schema.safeParse(parsed);
  if (r?.success) return r.data;
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, aside).catch(() => undefined);
  logger?.warn('unreadable file set aside', { path, aside });
  return null;
}

/**
 * A JSON document on disk with serialised atomic writes: `save()` resolves once that value (or a
 * newer one) is durably written. Concurrent saves coalesce into at most one extra write.
 */
export class JsonFile<T> {
  private pending: T | undefined;
  private hasPending = false;
  private writing: Promise<void> | null = null;
  private waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly logger?: Logger,
  ) {}

  load(): Promise<T | null> {
    return readJsonFile(this.path, this.schema, this.logger) as Promise<T | null>;
  }

  save(value: T): Promise<void> {
    this.pending = value;
    this.hasPending = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.writing) this.writing = this.drain();
    return done;
  }

  /** Resolves when every save so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing.catch(() => undefined);
  }

  private async drain(): Promise<void> {
    while (this.hasPending) {
      const value = this.pending as T;
      const waiters = this.waiters;
      this.waiters = [];
      this.hasPending = false;
      try {
        await writeFileAtomic(this.path, JSON.stringify(value, null, 1));
        for (const w of waiters) w.resolve();
      } catch (e) {
        this.logger?.error('write failed', { path: this.path, err: e });
        for (const w of waiters) w.reject(e);
      }
    }
    this.writing = null;
  }
}

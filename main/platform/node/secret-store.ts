import { chmod, stat } from 'node:fs/promises';
import { z } from 'zod';
import { JsonFile } from '../../services/lib/files.js';
import type { Logger, SecretStore } from '../ports.js';

const SecretsFile = z.object({ version: z.literal(1), backend: z.string().optional(), secrets: z.record(z.string(), z.string()) });
type SecretsFile = z.infer<typeof SecretsFile>;

/** How values are written to the file: as is (Node) or encrypted by the OS (Electron safeStorage). */
export interface SecretCodec {
  /** Recorded in the file, to tell how its values were written. */
  readonly backend: string;
  encode(value: string): string;
  /** null when the value cannot be read back (keychain changed). */
  decode(stored: string): string | null;
}

const PLAIN: SecretCodec = { backend: 'plain', encode: (v) => v, decode: (s) => s };

/**
 * Secrets in a JSON file readable only by the user (0600), written atomically and one operation
 * at a time. Plain values for the browser host (and the Electron fallback without a keychain);
 * the Electron adapter passes a safeStorage codec.
 */
export class FileSecretStore implements SecretStore {
  readonly kind: string;
  private readonly file: JsonFile<SecretsFile>;
  private cache: SecretsFile | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly logger?: Logger,
    private readonly codec: SecretCodec = PLAIN,
  ) {
    this.kind = `${codec.backend} file (0600) ${path}`;
    this.file = new JsonFile(path, SecretsFile, logger);
  }

  get(key: string): Promise<string | null> {
    return this.serial(async () => {
      const stored = (await this.read()).secrets[key];
      return stored === undefined ? null : this.codec.decode(stored);
    });
  }

  set(key: string, value: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.read();
      await this.write({ ...cur.secrets, [key]: this.codec.encode(value) });
    });
  }

  delete(key: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.read();
      if (!(key in cur.secrets)) return;
      const secrets = { ...cur.secrets };
      delete secrets[key];
      await this.write(secrets);
    });
  }

  private async write(secrets: Record<string, string>): Promise<void> {
    const next: SecretsFile = this.codec === PLAIN ? { version: 1, secrets } : { version: 1, backend: this.codec.backend, secrets };
    await this.file.save(next);
    this.cache = next;
  }

  private async read(): Promise<SecretsFile> {
    if (this.cache) return this.cache;
    await this.tightenMode();
    this.cache = (await this.file.load()) ?? { version: 1, secrets: {} };
    return this.cache;
  }

  /** A file someone loosened (copy, backup restore) is brought back to 0600 before it is read. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    try {
      const s = await stat(this.path);
      if ((s.mode & 0o077) !== 0) {
        await chmod(this.path, 0o600);
        this.logger?.warn('secret file permissions tightened to 0600', { path: this.path });
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

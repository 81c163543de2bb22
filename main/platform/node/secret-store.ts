import { chmod, stat } from 'node:fs/promises';
import { z } from 'zod';
import { JsonFile } from '../../services/lib/files.js';
import type { Logger, SecretStore } from '../ports.js';

const SecretsFile = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });
type SecretsFile = z.infer<typeof SecretsFile>;

/**
 * Secrets in a JSON file readable only by the user (0600), written atomically. Used by the browser
 * host and as the Electron fallback when the OS offers no keychain.
 */
export class FileSecretStore implements SecretStore {
  readonly kind: string;
  private readonly file: JsonFile<SecretsFile>;
  private cache: SecretsFile | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly logger?: Logger,
  ) {
    this.kind = `file (0600) ${path}`;
    this.file = new JsonFile(path, SecretsFile, logger);
  }

  get(key: string): Promise<string | null> {
    return this.serial(async () => (await this.read()).secrets[key] ?? null);
  }

  set(key: string, value: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.read();
      const next: SecretsFile = { version: 1, secrets: { ...cur.secrets, [key]: value } };
      await this.file.save(next);
      this.cache = next;
    });
  }

  delete(key: string): Promise<void> {
    return this.serial(async () => {
      const cur = await this.read();
      if (!(key in cur.secrets)) return;
      const secrets = { ...cur.secrets };
      delete secrets[key];
      const next: SecretsFile = { version: 1, secrets };
      await this.file.save(next);
      this.cache = next;
    });
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

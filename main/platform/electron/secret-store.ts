import type { SafeStorage } from 'electron';
import { z } from 'zod';
import { VigieError } from '@vigie/common';
import { JsonFile } from '../../services/lib/files.js';
import type { Logger, SecretStore } from '../ports.js';

const Encrypted = z.object({ version: z.literal(1), backend: z.string(), secrets: z.record(z.string(), z.string()) });
type Encrypted = z.infer<typeof Encrypted>;

/**
 * Secrets encrypted with Electron safeStorage (macOS Keychain, Windows DPAPI, libsecret/kwallet on
 * Linux), stored base64 in a 0600 file written atomically.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind: string;
  private readonly file: JsonFile<Encrypted>;
  private cache: Encrypted | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    path: string,
    private readonly safeStorage: SafeStorage,
    private readonly logger?: Logger,
  ) {
    this.file = new JsonFile(path, Encrypted, logger);
    this.kind = `safeStorage ${path}`;
  }

  /** False where the OS keychain is missing (some Linux desktops): the shell then falls back to a 0600 file. */
  static available(safeStorage: SafeStorage): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text';
    return true;
  }

  get(key: string): Promise<string | null> {
    return this.serial(async () => {
      const v = (await this.read()).secrets[key];
      if (v === undefined) return null;
      try {
        return this.safeStorage.decryptString(Buffer.from(v, 'base64'));
      } catch (e) {
        this.logger?.error('secret could not be decrypted', { key, err: e });
        return null;
      }
    });
  }

  set(key: string, value: string): Promise<void> {
    return this.serial(async () => {
      if (!this.safeStorage.isEncryptionAvailable()) throw new VigieError('UNAVAILABLE', 'Le trousseau du système est indisponible.');
      const cur = await this.read();
      const enc = this.safeStorage.encryptString(value).toString('base64');
      const next: Encrypted = { version: 1, backend: this.backend(), secrets: { ...cur.secrets, [key]: enc } };
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
      const next: Encrypted = { ...cur, secrets };
      await this.file.save(next);
      this.cache = next;
    });
  }

  private backend(): string {
    return process.platform === 'linux' ? this.safeStorage.getSelectedStorageBackend() : process.platform;
  }

  private async read(): Promise<Encrypted> {
    this.cache ??= (await this.file.load()) ?? { version: 1, backend: this.backend(), secrets: {} };
    return this.cache;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

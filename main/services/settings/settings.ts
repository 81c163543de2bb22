import { join } from 'node:path';
import { z } from 'zod';
import { ConsultationHours, Locale, UpdateChannel } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { JsonFile } from '../lib/files.js';

export const Settings = z.object({
  version: z.literal(1),
  hubUrl: z.string().nullable(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  practiceName: z.string().nullable(),
  locale: Locale,
  /** Error code of the last forced un-enrollment (REVOKED…), shown on the enrollment screen. */
  lastError: z.string().nullable().default(null),
  /** Start-at-login is switched on once, at the first run; the user's later choice is left alone. */
  autoStartConfigured: z.boolean().default(false),
  /**
   * Update channel of this machine ('pilot' for the pilot group). Read when the updater starts.
   * An unreadable value falls back to the default instead of setting the whole file aside.
   */
  updateChannel: UpdateChannel.catch('stable'),
  /** The practice's consultation hours (no silent update then); null: none set. The hub may push them later. */
  consultationHours: ConsultationHours.nullable().catch(null),
});
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  hubUrl: null,
  deviceId: null,
  deviceName: null,
  practiceName: null,
  locale: 'fr',
  lastError: null,
  autoStartConfigured: false,
  updateChannel: 'stable',
  consultationHours: null,
};

/** settings.json in the data dir, written atomically; every update is on disk when it resolves. */
export class SettingsStore {
  private readonly file: JsonFile<Settings>;
  private value: Settings = DEFAULT_SETTINGS;

  constructor(dataDir: string, logger?: Logger) {
    this.file = new JsonFile(join(dataDir, 'settings.json'), Settings, logger);
  }

  async load(): Promise<Settings> {
    this.value = (await this.file.load()) ?? DEFAULT_SETTINGS;
    return this.value;
  }

  get(): Settings {
    return this.value;
  }

  /** Resolves once every update so far is on disk (the app is stopping). */
  flush(): Promise<void> {
    return this.file.flush();
  }

  async update(patch: Partial<Omit<Settings, 'version'>>): Promise<Settings> {
    this.value = { ...this.value, ...patch };
    await this.file.save(this.value);
    return this.value;
  }
}

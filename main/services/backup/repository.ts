import { randomBytes } from 'node:crypto';
import type { BackupSettingsView, RepositorySettings, SaveBackupSettingsInput } from '@vigie/common';
import { backupError, reasonOf } from './errors.js';
import type { Logger, SecretStore } from './ports.js';
import type { RepoQueue } from './queue.js';
import type { RepoTarget, Restic } from './restic/client.js';

/** Keys of the backup secrets in the SecretStore. */
export const SECRET_KEYS = {
  repositoryPassword: 'backup.repositoryPassword',
  restPassword: 'backup.restPassword',
  s3SecretAccessKey: 'backup.s3SecretAccessKey',
} as const;

/** A strong random repository password (256 bits), generated for a new repository. */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}

/** What the status shows: where backups go, without any secret. */
export function repositoryLabel(s: RepositorySettings): string {
  switch (s.kind) {
    case 'local':
      return s.path;
    case 'rest': {
      const u = new URL(s.url);
      return `${u.protocol}//${u.host}${u.pathname}`;
    }
    case 's3':
      return `${new URL(s.endpoint).host}/${s.bucket}${s.prefix ? '/' + s.prefix : ''}`;
  }
}

/** A stable identity of the repository (single-flight key, logs). */
export function repositoryKey(s: RepositorySettings): string {
  return `${s.kind}:${repositoryLabel(s)}`;
}

/**
 * Environment for restic: the repository location and every credential travel as environment
 * variables (RESTIC_REPOSITORY, RESTIC_PASSWORD, AWS_*), never as command-line arguments where
 * any local user could read them in the process list. Throws wrong-password when a needed
 * secret is missing from the store.
 */
export async function repoTarget(s: RepositorySettings, secrets: SecretStore): Promise<RepoTarget> {
  const password = await secrets.get(SECRET_KEYS.repositoryPassword);
  if (!password) throw backupError('wrong-password', { details: { missing: 'repositoryPassword' } });
  const env: Record<string, string> = { RESTIC_PASSWORD: password };
  switch (s.kind) {
    case 'local':
      env.RESTIC_REPOSITORY = s.path;
      break;
    case 'rest': {
      const u = new URL(s.url);
      if (s.username) {
        const restPassword = await secrets.get(SECRET_KEYS.restPassword);
        if (!restPassword) throw backupError('wrong-password', { details: { missing: 'restPassword' } });
        u.username = s.username;
        u.password = restPassword;
      }
      env.RESTIC_REPOSITORY = `rest:${u.toString()}`;
      break;
    }
    case 's3': {
      const secret = await secrets.get(SECRET_KEYS.s3SecretAccessKey);
      if (!secret) throw backupError('wrong-password', { details: { missing: 's3SecretAccessKey' } });
      const base = s.endpoint.replace(/\/+$/, '');
      env.RESTIC_REPOSITORY = `s3:${base}/${s.bucket}${s.prefix ? '/' + s.prefix : ''}`;
      env.AWS_ACCESS_KEY_ID = s.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = secret;
      if (s.region) env.AWS_DEFAULT_REGION = s.region;
      break;
    }
  }
  return { env, key: repositoryKey(s) };
}

/** Which backup secrets the store holds (never their values). */
export async function secretsPresent(store: SecretStore): Promise<BackupSettingsView['secrets']> {
  const has = async (k: string) => (await store.get(k)) !== null;
  return {
    repositoryPassword: await has(SECRET_KEYS.repositoryPassword),
    restPassword: await has(SECRET_KEYS.restPassword),
    s3SecretAccessKey: await has(SECRET_KEYS.s3SecretAccessKey),
  };
}

/**
 * Opens the repository with the given/stored secrets, or initialises it when there is none yet
 * (with a generated password, in the store before init: a crash right after cannot lose it).
 * On any failure the secrets are put back as they were.
 */
export async function ensureRepository(
  d: { restic: Restic; queue: RepoQueue; secrets: SecretStore; log: Logger },
  repo: RepositorySettings,
  given: NonNullable<SaveBackupSettingsInput['secrets']>,
): Promise<void> {
  const store = d.secrets;
  const keys = [SECRET_KEYS.repositoryPassword, SECRET_KEYS.restPassword, SECRET_KEYS.s3SecretAccessKey];
  const previous = new Map<string, string | null>();
  for (const k of keys) previous.set(k, await store.get(k));
  const restore = async () => {
    for (const [k, v] of previous) {
      if (v === null) await store.delete(k);
      else await store.set(k, v);
    }
  };
  try {
    if (given.restPassword) await store.set(SECRET_KEYS.restPassword, given.restPassword);
    if (given.s3SecretAccessKey) await store.set(SECRET_KEYS.s3SecretAccessKey, given.s3SecretAccessKey);
    const generated = !given.repositoryPassword && !previous.get(SECRET_KEYS.repositoryPassword);
    const password = given.repositoryPassword ?? previous.get(SECRET_KEYS.repositoryPassword) ?? generatePassword();
    await store.set(SECRET_KEYS.repositoryPassword, password);
    const target = await repoTarget(repo, store);
    try {
      await d.restic.catConfig(target);
      d.log.info('repository opened', { repo: target.key });
    } catch (e) {
      if (reasonOf(e) !== 'repo-missing') {
        if (reasonOf(e) === 'wrong-password' && generated) {
          throw backupError('wrong-password', { messageKey: 'existingRepoOtherPassword' });
        }
        throw e;
      }
      await d.queue.run(target.key, 'init', () => d.restic.init(target));
      d.log.info('repository created', { repo: target.key, generatedPassword: generated });
    }
  } catch (e) {
    await restore();
    throw e;
  }
}

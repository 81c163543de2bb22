import { randomBytes } from 'node:crypto';
import type { RepositorySettings } from '@vigie/common';
import { backupError } from './errors.js';
import type { SecretStore } from './ports.js';
import type { RepoTarget } from './restic/client.js';

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

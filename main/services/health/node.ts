import { existsSync, mkdirSync } from 'node:fs';
import { release, userInfo } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock, type Locale, type OsFamily } from '@vigie/common';
import type { Logger, Notifier } from '../../platform/ports.js';
import { NodeCommandRunner } from './runner-node.js';
import { HealthService } from './service.js';
import { JsonHealthStore } from './store.js';
import type { BackupSummaryProvider } from './types.js';

export function currentOsFamily(platform: NodeJS.Platform = process.platform): OsFamily {
  return platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : 'linux';
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME;
  }
}

export interface NodeHealthOptions {
  dataDir: string;
  notifier: Notifier;
  logger?: Logger;
  backup?: BackupSummaryProvider;
  clock?: Clock;
  locale?: () => Locale;
}

/**
 * The health service wired with the real machine: Node command runner, `<dataDir>/health.json`,
 * the current user, and on Linux a private apt cache when the system keeps none
 * (containers with docker-clean): see LinuxProbeOptions.aptCacheFile.
 */
export function createNodeHealthService(o: NodeHealthOptions): HealthService {
  const os = currentOsFamily();
  const username = currentUser();
  const desktop = process.env.XDG_CURRENT_DESKTOP;
  const aptCacheFile = os === 'linux' && !existsSync('/var/cache/apt/pkgcache.bin') ? join(o.dataDir, 'cache', 'apt-pkgcache.bin') : null;
  if (aptCacheFile) mkdirSync(join(o.dataDir, 'cache'), { recursive: true }); // apt writes the file, not its folder
  return new HealthService({
    runner: new NodeCommandRunner(),
    platform: { os, version: release() },
    clock: o.clock ?? systemClock,
    store: new JsonHealthStore(o.dataDir, o.logger),
    notifier: o.notifier,
    ...(o.backup ? { backup: o.backup } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
    user: { ...(username ? { username } : {}), ...(desktop ? { desktop } : {}) },
    probeOptions: { aptCacheFile, ...(process.env.SystemRoot ? { systemRoot: process.env.SystemRoot } : {}) },
  });
}

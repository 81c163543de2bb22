import type { BackupSummary, ContextSnapshot, HealthSummary, Locale } from '@vigie/common';
import type { SystemInfo } from '../../platform/ports.js';

/** What the technician sees of the machine with a help request: taken at the click, each provider given 2 s. */
export async function contextSnapshot(deps: {
  system: SystemInfo;
  appVersion: string;
  locale: () => Locale;
  healthSummary?: () => Promise<HealthSummary | null>;
  backupSummary?: () => Promise<BackupSummary | null>;
}): Promise<ContextSnapshot> {
  const [machine, health, backup] = await Promise.all([
    deps.system.read(),
    deps.healthSummary ? withTimeout(deps.healthSummary(), 2000) : Promise.resolve(undefined),
    deps.backupSummary ? withTimeout(deps.backupSummary(), 2000) : Promise.resolve(undefined),
  ]);
  return {
    os: machine.os,
    osVersion: machine.osVersion,
    appVersion: deps.appVersion,
    ...(machine.model ? { model: machine.model } : {}),
    hostname: machine.hostname,
    locale: deps.locale(),
    uptimeSeconds: machine.uptimeSeconds,
    ...(health !== undefined ? { health } : {}),
    ...(backup !== undefined ? { backup } : {}),
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

import type { BackupError, BackupRun, BackupTrigger, Clock, RestoreJob } from '@vigie/common';
import { SnapshotCatalogue } from './catalogue.js';
import { Maintenance } from './maintenance.js';
import { nodeSpawner } from './node-adapters.js';
import type { BackupServiceOptions } from './options.js';
import type { Logger } from './ports.js';
import { RepoQueue } from './queue.js';
import { RestoreManager } from './restore.js';
import { RestoreDesk } from './restore-desk.js';
import { Restic } from './restic/client.js';
import { RunOutcome } from './run-outcome.js';
import { BackupRunner } from './runner.js';
import { BackupScheduler } from './scheduler.js';
import { BackupConfig } from './settings.js';
import { BackupStateStore } from './state-store.js';

/**
 * The backup service's parts, built from its options and connected: one place to read what each
 * part sees of the others and of the service (`ServiceHooks`). The service (service.ts) owns them
 * and answers for them; each part's job is in its own module.
 */
export interface ServiceHooks {
  /** The service's logger (svc: backup); parts that log on their own get `opts.logger`. */
  log: Logger;
  clock: Clock;
  now: () => Date;
  /** The service runs (the schedule is armed only then). */
  started: () => boolean;
  pushStatus: () => void;
  track: <T>(p: Promise<T>) => Promise<T>;
  /** What each look at the schedule does (BackupService.tick). */
  tick: () => Promise<void>;
  runBackup: (trigger: BackupTrigger) => void;
  /** Retention and check, each when due (BackupService.runMaintenance). */
  maintain: () => Promise<void>;
  /** Every change of a restore job ('restore' push). */
  restoreChanged: (job: RestoreJob) => void;
}

export interface BackupParts {
  store: BackupStateStore;
  restic: Restic;
  config: BackupConfig;
  catalogue: SnapshotCatalogue;
  maintenance: Maintenance;
  runner: BackupRunner;
  restores: RestoreManager;
  desk: RestoreDesk;
  scheduler: BackupScheduler;
}

export function buildParts(opts: BackupServiceOptions, h: ServiceHooks): BackupParts {
  const queue = new RepoQueue();
  const log = h.log;
  const store = new BackupStateStore(opts.dataDir, opts.logger, log);
  const persist: BackupStateStore['persist'] = (update) => store.persist(update);
  const restic = new Restic({
    bin: opts.resticPath ?? 'restic',
    spawner: opts.spawner ?? nodeSpawner,
    logger: opts.logger,
    ...(opts.resticCacheDir ? { cacheDir: opts.resticCacheDir } : {}),
    ...(opts.baseEnv ? { baseEnv: opts.baseEnv } : {}),
  });
  const config = new BackupConfig({ opts, restic, queue, log, now: h.now, state: () => store.state, persist });
  const target = () => config.target();
  const catalogue = new SnapshotCatalogue(restic, target);
  const outcome = new RunOutcome({
    store,
    restic,
    notifier: opts.notifier,
    locale: () => opts.locale?.() ?? 'fr',
    log,
    now: h.now,
    pushStatus: h.pushStatus,
    maintain: h.maintain,
  });
  // What maintenance and the runner share of the service.
  const shared = {
    restic,
    queue,
    log,
    now: h.now,
    settings: () => config.settings,
    record: (run: BackupRun, o: { success: boolean }) => outcome.record(run, o),
    notifyFailure: (e: BackupError) => outcome.notifyFailure(e),
  };
  const maintenance = new Maintenance({
    ...shared,
    state: () => store.state,
    persist,
    forgotten: () => catalogue.clear(),
    ...(opts.retentionHold ? { retentionHold: opts.retentionHold } : {}),
    ...(opts.hostname ? { hostname: opts.hostname } : {}),
    ...(opts.processState ? { processState: opts.processState } : {}),
  });
  const runner = new BackupRunner({
    ...shared,
    ...(opts.extraExcludes ? { extraExcludes: opts.extraExcludes } : {}),
    target,
    catalogue,
    maintenance,
    pushStatus: h.pushStatus,
    track: h.track,
    afterSuccess: (t) => outcome.afterSuccess(t),
    succeeded: () => (config.startupError = null),
  });
  const restores = new RestoreManager({
    restic,
    queue,
    clock: h.clock,
    logger: opts.logger,
    repo: target,
    snapshot: (repo, ref) => catalogue.resolve(repo, ref),
    containment: () => config.containment(),
    afterInterrupt: (repo) => maintenance.cleanupAfterInterrupt(repo),
    known: (snapshotId, path) => catalogue.known(snapshotId, path),
    journal: store.journal,
    ...(opts.locale ? { locale: opts.locale } : {}),
    ...(opts.restorePollMs ? { pollMs: opts.restorePollMs } : {}),
  });
  const desk = new RestoreDesk({
    jobs: restores,
    settings: () => config.settings,
    target,
    catalogue,
    containment: () => config.containment(),
    notifier: opts.notifier,
    shell: opts.shell,
    locale: () => opts.locale?.() ?? 'fr',
  });
  restores.on('job', (job) => {
    h.restoreChanged(job);
    desk.jobChanged(job);
  });
  const scheduler = new BackupScheduler({
    clock: h.clock,
    ...(opts.tickMs !== undefined ? { tickMs: opts.tickMs } : {}),
    now: h.now,
    settings: () => config.settings,
    lastSlot: () => store.state.lastSlot,
    saveSlot: (slot) => persist((s) => ({ ...s, lastSlot: slot.toISOString() })),
    runBackup: h.runBackup,
    active: h.started,
    tick: h.tick,
    log,
  });
  return { store, restic, config, catalogue, maintenance, runner, restores, desk, scheduler };
}

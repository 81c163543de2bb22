import { createStore } from 'zustand/vanilla';
import {
  BACKUP_RELAY_TIMEOUTS,
  backoffDelay,
  err,
  isRetryable,
  newerRestoreJob,
  RESTORE_STATE_RANK,
  type BackupAccess,
  type BackupScope,
  type BackupStatus,
  type BrowseRequest,
  type BrowseResponse,
  type ErrorBody,
  type RestoreJob,
  type RestoreRequestInput,
  type Result,
  type SearchResponse,
  type Snapshot,
} from '@vigie/common';
import type { Logger } from '../lib/log';
import type { TechClient } from '../lib/socket';

export type { BackupScope };

/** A device's backups as a workspace shows them (asked live from the device through the hub). */
export interface DeviceBackups {
  status: BackupStatus | null;
  snapshots: Snapshot[] | null;
  load: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorBody | null;
  /** Restores started from this console under this scope, by id. */
  jobs: Record<string, RestoreJob>;
  /** The most recent one (shown with its live progress). */
  lastJobId: string | null;
}

/** This technician's access to a device's backups outside a request (device page). */
export interface DeviceAccess {
  access: BackupAccess | null;
  busy: 'ask' | 'end' | null;
  error: ErrorBody | null;
}

export interface BackupConsoleState {
  /** Per scope key (scopeKey): a request's backups, or an access's. */
  byScope: Record<string, DeviceBackups>;
  /** Per device id. */
  access: Record<string, DeviceAccess>;
}

const empty = (): DeviceBackups => ({ status: null, snapshots: null, load: 'idle', error: null, jobs: {}, lastJobId: null });
const noAccess = (): DeviceAccess => ({ access: null, busy: null, error: null });
const DEFAULT_MS = BACKUP_RELAY_TIMEOUTS.defaultMs + BACKUP_RELAY_TIMEOUTS.consoleMarginMs;
/** A device or hub too busy to answer (TIMEOUT, OFFLINE for a moment…) is asked again, a few times, with back-off. */
const LOAD_RETRIES = 4;
const SEARCH_MS = BACKUP_RELAY_TIMEOUTS.searchMs + BACKUP_RELAY_TIMEOUTS.consoleMarginMs;

/** One string per scope: the store's key. */
export const scopeKey = (s: BackupScope): string => ('requestId' in s ? `request:${s.requestId}` : `access:${s.accessId}`);

/**
 * The « Sauvegardes » of a device in the console: its live status and backups, browse and search,
 * « Restaurer sur le poste » and its progress (pushed by the device through the hub) — under a
 * request the technician works on, or under an access the practitioner granted outside any request
 * (asked from the device page, with the code to read out). The hub decides who may; an offline
 * device answers OFFLINE.
 */
export class BackupConsole {
  readonly store = createStore<BackupConsoleState>()(() => ({ byScope: {}, access: {} }));

  constructor(
    private readonly client: TechClient,
    private readonly log: Logger,
  ) {}

  /** Subscribes to the hub client; returns the unsubscribe. */
  attach(): () => void {
    const offs = [
      this.client.on('backup:restore-progress', (p) => this.onProgress({ requestId: p.requestId }, p.job)),
      this.client.on('backup:access-progress', (p) => this.onProgress({ accessId: p.accessId }, p.job)),
      this.client.on('backup:access-updated', (a) => this.onAccess(a)),
      this.client.onStatus((s) => {
        if (s !== 'connected') return;
        for (const [key, e] of Object.entries(this.store.getState().byScope)) if (e.load !== 'idle') void this.load(parseKey(key));
        for (const deviceId of Object.keys(this.store.getState().access)) void this.loadAccess(deviceId);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  reset(): void {
    this.store.setState({ byScope: {}, access: {} });
  }

  /** Status and backups of the scope's device, live. */
  async load(scope: BackupScope, attempt = 0): Promise<void> {
    this.patch(scope, (e) => ({ load: e.load === 'ready' ? 'ready' : 'loading', error: null }));
    const [status, snaps] = await Promise.all([
      this.client.request('backup:status', scope, DEFAULT_MS),
      this.client.request('backup:snapshots', scope, DEFAULT_MS),
    ]);
    const error = !status.ok ? status.error : !snaps.ok ? snaps.error : null;
    if (error) this.log.debug('device backups not available', error);
    // The error is shown meanwhile (what is known); the device is asked again while the section is open.
    if (error && isRetryable(error.code) && attempt < LOAD_RETRIES) {
      const key = scopeKey(scope);
      setTimeout(
        () => {
          if (this.store.getState().byScope[key]) void this.load(scope, attempt + 1);
        },
        backoffDelay(attempt, { baseMs: 1_000, maxMs: 8_000 }),
      );
    }
    this.patch(scope, (e) => ({
      status: status.ok ? status.data : e.status,
      snapshots: snaps.ok ? snaps.data : e.snapshots,
      load: status.ok || snaps.ok ? 'ready' : 'error',
      error,
    }));
  }

  browse(scope: BackupScope, input: BrowseRequest): Promise<Result<BrowseResponse>> {
    return this.client.request('backup:browse', { ...scope, input }, DEFAULT_MS);
  }

  search(scope: BackupScope, query: string): Promise<Result<SearchResponse>> {
    const q = query.trim();
    if (!q) return Promise.resolve(err('BAD_REQUEST', 'Nom vide.'));
    return this.client.request('backup:search', { ...scope, input: { query: q } }, SEARCH_MS);
  }

  /** « Restaurer sur le poste »: the job comes back at once, its progress follows by push. */
  async restore(scope: BackupScope, input: RestoreRequestInput): Promise<Result<RestoreJob>> {
    const r = await this.client.request('backup:restore', { ...scope, input }, DEFAULT_MS);
    if (r.ok)
      this.patch(scope, (e) => ({ jobs: { ...e.jobs, [r.data.id]: newerRestoreJob(e.jobs[r.data.id], r.data) }, lastJobId: r.data.id }));
    return r;
  }

  async cancel(scope: BackupScope, jobId: string): Promise<Result<RestoreJob>> {
    const r = await this.client.request('backup:cancel-restore', { ...scope, jobId }, DEFAULT_MS);
    if (r.ok) this.patch(scope, (e) => ({ jobs: { ...e.jobs, [jobId]: newerRestoreJob(e.jobs[jobId], r.data) } }));
    return r;
  }

  // ---------- access outside a request ----------

  /** This technician's latest access to the device (a reload finds a live one again). */
  async loadAccess(deviceId: string): Promise<void> {
    const r = await this.client.request('backup:access-get', { deviceId });
    if (r.ok) this.patchAccess(deviceId, (a) => ({ access: newestAccess(a.access, r.data) }));
    else this.patchAccess(deviceId, () => ({ error: r.error }));
  }

  /** « Accéder aux sauvegardes »: the practitioner is asked first (code and countdown shown here). */
  async askAccess(deviceId: string): Promise<void> {
    if (this.store.getState().access[deviceId]?.busy) return;
    this.patchAccess(deviceId, () => ({ busy: 'ask', error: null }));
    const r = await this.client.request('backup:access-request', { deviceId });
    this.patchAccess(deviceId, (a) => (r.ok ? { busy: null, access: newestAccess(a.access, r.data) } : { busy: null, error: r.error }));
  }

  /** « Terminer l'accès ». */
  async endAccess(deviceId: string): Promise<void> {
    const a = this.store.getState().access[deviceId]?.access;
    if (!a || a.state === 'ended' || this.store.getState().access[deviceId]?.busy) return;
    this.patchAccess(deviceId, () => ({ busy: 'end', error: null }));
    const r = await this.client.request('backup:access-end', { accessId: a.id });
    this.patchAccess(deviceId, (x) => (r.ok ? { busy: null, access: newestAccess(x.access, r.data) } : { busy: null, error: r.error }));
  }

  private onAccess(a: BackupAccess): void {
    this.patchAccess(a.deviceId, (x) => ({ access: newestAccess(x.access, a) }));
    if (a.state === 'granted' && this.store.getState().byScope[scopeKey({ accessId: a.id })]?.load !== 'ready')
      void this.load({ accessId: a.id });
  }

  private onProgress(scope: BackupScope, job: RestoreJob): void {
    this.patch(scope, (e) => ({ jobs: { ...e.jobs, [job.id]: newerRestoreJob(e.jobs[job.id], job) }, lastJobId: e.lastJobId ?? job.id }));
    // A finished restore changes what the device holds: refresh the listing's status.
    if (RESTORE_STATE_RANK[job.state] === RESTORE_STATE_RANK.done && this.store.getState().byScope[scopeKey(scope)]?.load === 'ready')
      void this.load(scope);
  }

  private patch(scope: BackupScope, fn: (e: DeviceBackups) => Partial<DeviceBackups>): void {
    const key = scopeKey(scope);
    this.store.setState((s) => {
      const e = s.byScope[key] ?? empty();
      return { byScope: { ...s.byScope, [key]: { ...e, ...fn(e) } } };
    });
  }

  private patchAccess(deviceId: string, fn: (a: DeviceAccess) => Partial<DeviceAccess>): void {
    this.store.setState((s) => {
      const a = s.access[deviceId] ?? noAccess();
      return { access: { ...s.access, [deviceId]: { ...a, ...fn(a) } } };
    });
  }
}

const parseKey = (key: string): BackupScope =>
  key.startsWith('request:') ? { requestId: key.slice('request:'.length) } : { accessId: key.slice('access:'.length) };

const ACCESS_RANK: Record<BackupAccess['state'], number> = { 'consent-pending': 0, granted: 1, ended: 2 };

/** The newer of two records: a newer access wins; the same access only moves forward. */
function newestAccess(a: BackupAccess | null, b: BackupAccess | null): BackupAccess | null {
  if (!a || !b) return b ?? a;
  if (a.id !== b.id) return b.requestedAt >= a.requestedAt ? b : a;
  return ACCESS_RANK[b.state] >= ACCESS_RANK[a.state] ? b : a;
}

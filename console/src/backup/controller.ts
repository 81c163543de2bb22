import { createStore } from 'zustand/vanilla';
import {
  BACKUP_RELAY_TIMEOUTS,
  err,
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
import type { TechClient, TechPushPayload } from '../lib/socket';

/** A device's backups as the request workspace shows them (asked live from the device through the hub). */
export interface DeviceBackups {
  status: BackupStatus | null;
  snapshots: Snapshot[] | null;
  load: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorBody | null;
  /** Restores started from this console for this request, by id. */
  jobs: Record<string, RestoreJob>;
  /** The most recent one (shown with its live progress). */
  lastJobId: string | null;
}

export interface BackupConsoleState {
  /** Per request id. */
  byRequest: Record<string, DeviceBackups>;
}

const empty = (): DeviceBackups => ({ status: null, snapshots: null, load: 'idle', error: null, jobs: {}, lastJobId: null });
const DEFAULT_MS = BACKUP_RELAY_TIMEOUTS.defaultMs + BACKUP_RELAY_TIMEOUTS.consoleMarginMs;
const SEARCH_MS = BACKUP_RELAY_TIMEOUTS.searchMs + BACKUP_RELAY_TIMEOUTS.consoleMarginMs;
const RANK: Record<RestoreJob['state'], number> = { queued: 0, preparing: 1, restoring: 2, verifying: 3, moving: 4, done: 5, failed: 5, cancelled: 5 };

/**
 * The "Sauvegardes" section of the workspace: the device's live status and backups, browse and
 * search, "Restaurer sur le poste" and its progress (pushed by the device through the hub). The
 * hub decides who may; an offline device answers OFFLINE.
 */
export class BackupConsole {
  readonly store = createStore<BackupConsoleState>()(() => ({ byRequest: {} }));

  constructor(
    private readonly client: TechClient,
    private readonly log: Logger,
  ) {}

  /** Subscribes to the hub client; returns the unsubscribe. */
  attach(): () => void {
    const offs = [
      this.client.on('backup:restore-progress', (p) => this.onProgress(p)),
      this.client.onStatus((s) => {
        if (s !== 'connected') return;
        for (const [id, e] of Object.entries(this.store.getState().byRequest)) if (e.load !== 'idle') void this.load(id);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  reset(): void {
    this.store.setState({ byRequest: {} });
  }

  /** Status and backups of the request's device, live. */
  async load(requestId: string): Promise<void> {
    this.patch(requestId, (e) => ({ load: e.load === 'ready' ? 'ready' : 'loading', error: null }));
    const [status, snaps] = await Promise.all([
      this.client.request('backup:status', { requestId }, DEFAULT_MS),
      this.client.request('backup:snapshots', { requestId }, DEFAULT_MS),
    ]);
    const error = !status.ok ? status.error : !snaps.ok ? snaps.error : null;
    if (error) this.log.debug('device backups not available', error);
    this.patch(requestId, (e) => ({
      status: status.ok ? status.data : e.status,
      snapshots: snaps.ok ? snaps.data : e.snapshots,
      load: status.ok || snaps.ok ? 'ready' : 'error',
      error,
    }));
  }

  browse(requestId: string, input: BrowseRequest): Promise<Result<BrowseResponse>> {
    return this.client.request('backup:browse', { requestId, input }, DEFAULT_MS);
  }

  search(requestId: string, query: string): Promise<Result<SearchResponse>> {
    const q = query.trim();
    if (!q) return Promise.resolve(err('BAD_REQUEST', 'Nom vide.'));
    return this.client.request('backup:search', { requestId, input: { query: q } }, SEARCH_MS);
  }

  /** "Restaurer sur le poste": the job comes back at once, its progress follows by push. */
  async restore(requestId: string, input: RestoreRequestInput): Promise<Result<RestoreJob>> {
    const r = await this.client.request('backup:restore', { requestId, input }, DEFAULT_MS);
    if (r.ok) this.patch(requestId, (e) => ({ jobs: { ...e.jobs, [r.data.id]: newer(e.jobs[r.data.id], r.data) }, lastJobId: r.data.id }));
    return r;
  }

  async cancel(requestId: string, jobId: string): Promise<Result<RestoreJob>> {
    const r = await this.client.request('backup:cancel-restore', { requestId, jobId }, DEFAULT_MS);
    if (r.ok) this.patch(requestId, (e) => ({ jobs: { ...e.jobs, [jobId]: newer(e.jobs[jobId], r.data) } }));
    return r;
  }

  private onProgress(p: TechPushPayload<'backup:restore-progress'>): void {
    this.patch(p.requestId, (e) => ({ jobs: { ...e.jobs, [p.job.id]: newer(e.jobs[p.job.id], p.job) }, lastJobId: e.lastJobId ?? p.job.id }));
    // A finished restore changes what the device holds: refresh the listing's status.
    if (RANK[p.job.state] === 5 && this.store.getState().byRequest[p.requestId]?.load === 'ready') void this.load(p.requestId);
  }

  private patch(requestId: string, fn: (e: DeviceBackups) => Partial<DeviceBackups>): void {
    this.store.setState((s) => {
      const e = s.byRequest[requestId] ?? empty();
      return { byRequest: { ...s.byRequest, [requestId]: { ...e, ...fn(e) } } };
    });
  }
}

/** A job only moves forward (a push may overtake the answer). */
function newer(a: RestoreJob | undefined, b: RestoreJob): RestoreJob {
  if (!a) return b;
  if (RANK[b.state] !== RANK[a.state]) return RANK[b.state] > RANK[a.state] ? b : a;
  return (b.progress?.bytesDone ?? 0) >= (a.progress?.bytesDone ?? 0) ? b : a;
}

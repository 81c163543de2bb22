import { create } from 'zustand';
import { newerRestoreJob, type BackupStatus, type ErrorBody, type Place, type RestoreJob, type VigieApi } from '@vigie/common';
import { answerOf } from '../api.js';
import { mergeNewer } from './merge.js';

const FINAL = new Set<RestoreJob['state']>(['done', 'failed', 'cancelled']);

export const isFinal = (job: RestoreJob): boolean => FINAL.has(job.state);

interface BackupState {
  status: BackupStatus | null;
  /** The first backup:getStatus answered. */
  loaded: boolean;
  /** This machine has no backup capability (UNAVAILABLE). */
  unavailable: boolean;
  /** Restore jobs of this session by id (practitioner's and technicians'), kept fresh by pushes. */
  jobs: Record<string, RestoreJob>;
  /** Technician restores the practitioner closed the message of. */
  dismissed: Record<string, true>;
  runNowBusy: boolean;
  runNowError: ErrorBody | null;
  /** The user's well-known folders and the backed-up ones: paths are shown as places (« Bureau › … »). */
  places: Place[];
  /** Loads (again) the places: at attach, and when the restore wizard opens (the backed-up folders may have changed). */
  loadPlaces(): void;
  /** Subscribes to backup:status and backup:restoreProgress and loads status and jobs; once per api. */
  attach(api: VigieApi): void;
  runNow(): Promise<boolean>;
  dismiss(jobId: string): void;
}

let attached: VigieApi | null = null;

/** The api the backup store is attached to (the restore wizard calls through it). */
export const backupApi = (): VigieApi | null => attached;

/** The "Sauvegardes" tab's state and the technician restores shown app-wide. */
export const useBackup = create<BackupState>((set, get) => ({
  status: null,
  loaded: false,
  unavailable: false,
  jobs: {},
  dismissed: {},
  runNowBusy: false,
  runNowError: null,
  places: [],
  loadPlaces() {
    void attached?.backup.places({}).then(
      (r) => {
        if (r.ok) set({ places: r.data.places });
      },
      () => undefined,
    );
  },
  attach(api) {
    if (attached === api) return;
    attached = api;
    api.on('backup:status', (status) => set({ status, loaded: true, unavailable: false }));
    const keep = (jobs: RestoreJob[]) => set((s) => ({ jobs: mergeNewer(s.jobs, jobs, (j) => j.id, newerRestoreJob) }));
    api.on('backup:restoreProgress', (job) => keep([job]));
    void api.backup.getStatus({}).then(
      (r) => {
        if (r.ok) set((s) => ({ loaded: true, status: s.status ?? r.data }));
        else set({ loaded: true, unavailable: r.error.code === 'UNAVAILABLE' });
      },
      () => set({ loaded: true }),
    );
    void answerOf(() => api.backup.listRestores({})).then((r) => r.ok && keep(r.data));
    get().loadPlaces();
  },
  async runNow() {
    const api = attached;
    if (!api || get().runNowBusy) return false;
    set({ runNowBusy: true, runNowError: null });
    const r = await answerOf(() => api.backup.runNow({}));
    set(r.ok ? { runNowBusy: false, status: r.data } : { runNowBusy: false, runNowError: r.error });
    return r.ok;
  },
  dismiss(jobId) {
    set((s) => ({ dismissed: { ...s.dismissed, [jobId]: true } }));
  },
}));

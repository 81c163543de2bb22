import type { ConsultationHours, UpdateFailureReason, UpdateReport } from '@vigie/common';
import type { ActivitySnapshot } from './policy.js';

/** A version the feed offers this device (already past electron-updater's staged-rollout test). */
export interface UpdateOffer {
  version: string;
  releaseDate?: string;
}

/** A failure of the updater engine, classified. */
export class UpdateEngineError extends Error {
  constructor(
    readonly reason: UpdateFailureReason,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'UpdateEngineError';
  }
}

/**
 * What the policy drives: check, download (verified: sha512 always, code signature where the OS
 * does it), install. The app's implementation wraps electron-updater's autoUpdater
 * (createElectronUpdaterEngine); errors are UpdateEngineError.
 */
export interface UpdaterEngine {
  /** The newer version the feed offers this device, or null (none, not in the rollout, halted). */
  check(): Promise<UpdateOffer | null>;
  /** Downloads the offered version into the updater's cache and verifies it. */
  download(): Promise<void>;
  /**
   * Installs the downloaded update silently and quits the app (electron-updater calls app.quit),
   * starting the new version afterwards when `relaunch`. Nothing is ever installed at quit
   * otherwise: the policy decides, then calls this.
   */
  quitAndInstall(opts: { relaunch: boolean }): void;
  /** Errors the engine reports outside a call (e.g. macOS signature check when staging the update). */
  onError(listener: (e: UpdateEngineError) => void): () => void;
}

/** OS-wide input idleness. Electron: powerMonitor.getSystemIdleTime(). */
export interface IdleTime {
  systemIdleSeconds(): number;
}

/** What the other services are doing (screen session, restore, backup) and when the practitioner last used Vigie. */
export interface ActivitySource {
  snapshot(): ActivitySnapshot;
}

/** The practice's consultation hours, when set (settings from the hub). */
export interface ConsultationHoursSource {
  get(): ConsultationHours | null;
}

/** Sends an update report to the hub (socket `update:report`); rejects when the hub cannot be reached. */
export interface UpdateReporter {
  report(report: UpdateReport): Promise<void>;
}

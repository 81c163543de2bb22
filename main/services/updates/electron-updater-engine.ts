import { updaterChannelName, type UpdateChannel, type UpdateFailureReason } from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import { UpdateEngineError, type UpdateOffer, type UpdaterEngine } from './ports.js';

/**
 * The part of electron-updater's `autoUpdater` (AppUpdater) the engine uses. The Electron shell
 * passes `autoUpdater` from 'electron-updater'; this module never imports it, so it stays
 * Electron-free and runs in tests against electron-updater's own NsisUpdater.
 */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  autoRunAppAfterInstall: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  channel: string | null;
  logger: unknown;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string | null }): void;
  checkForUpdates(): Promise<{ isUpdateAvailable?: boolean; updateInfo: { version: string; releaseDate?: string } } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'error', listener: (e: Error) => void): unknown;
  off?(event: 'error', listener: (e: Error) => void): unknown;
  removeListener?(event: 'error', listener: (e: Error) => void): unknown;
}

export interface ElectronUpdaterEngineOptions {
  /** `<hub>/updates/<channel>`: the generic provider's base URL. */
  feedUrl: string;
  channel: UpdateChannel;
  logger?: Logger;
}

/** The hub feed URL for a channel. */
export const feedUrlFor = (hubUrl: string, channel: UpdateChannel): string => `${hubUrl.replace(/\/+$/, '')}/updates/${channel}`;

const CODE_REASONS: Record<string, UpdateFailureReason> = {
  ERR_CHECKSUM_MISMATCH: 'checksum',
  ERR_UPDATER_INVALID_SIGNATURE: 'signature',
  ERR_UPDATER_CHANNEL_FILE_NOT_FOUND: 'feed',
  ERR_UPDATER_INVALID_UPDATE_INFO: 'feed',
  ERR_UPDATER_NO_FILES_PROVIDED: 'feed',
  ERR_UPDATER_NO_CHECKSUM: 'feed',
  ERR_UPDATER_ZIP_FILE_NOT_FOUND: 'feed',
  ERR_UPDATER_INVALID_VERSION: 'feed',
  ENOSPC: 'disk',
  EACCES: 'disk',
  EPERM: 'disk',
  EROFS: 'disk',
  ECONNREFUSED: 'network',
  ECONNRESET: 'network',
  ENOTFOUND: 'network',
  ETIMEDOUT: 'network',
  EAI_AGAIN: 'network',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
};

/** Turns an electron-updater / Squirrel / network error into a failure reason. */
export function classifyUpdaterError(e: unknown): UpdateEngineError {
  if (e instanceof UpdateEngineError) return e;
  const err = e as { code?: unknown; message?: unknown; statusCode?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  let reason: UpdateFailureReason = (code && CODE_REASONS[code]) || 'unknown';
  if (reason === 'unknown') {
    if (/checksum mismatch/i.test(message)) reason = 'checksum';
    // Squirrel.Mac: "Code signature at URL … did not pass validation"; Windows: "not signed by the application owner".
    else if (/code ?signature|did not pass validation|not signed by/i.test(message)) reason = 'signature';
    else if (typeof err?.statusCode === 'number' || /net::ERR_|socket hang up|HttpError/i.test(message)) reason = 'network';
  }
  return new UpdateEngineError(reason, message.slice(0, 500), code);
}

/**
 * Configures electron-updater for Vigie's policy and wraps it as an UpdaterEngine: nothing happens
 * on its own (no auto download, never an automatic install at quit: on macOS that would hand the
 * update to Squirrel.Mac, which then installs it at any quit, whatever the policy or a halted
 * rollout says), never a downgrade, the hub's generic feed on the device's channel.
 */
export function createElectronUpdaterEngine(autoUpdater: AutoUpdaterLike, opts: ElectronUpdaterEngineOptions): UpdaterEngine {
  const log = opts.logger;
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  autoUpdater.allowPrerelease = opts.channel === 'pilot';
  if (log) {
    autoUpdater.logger = {
      info: (m: unknown) => log.debug('electron-updater', { m: String(m) }),
      warn: (m: unknown) => log.warn('electron-updater', { m: String(m) }),
      error: (m: unknown) => log.error('electron-updater', { m: String(m) }),
      debug: () => undefined,
    };
  }
  const channel = updaterChannelName(opts.channel);
  autoUpdater.setFeedURL({ provider: 'generic', url: opts.feedUrl, channel });
  autoUpdater.channel = channel;
  // Setting `channel` turns allowDowngrade on (electron-updater's choice): turn it back off, after.
  autoUpdater.allowDowngrade = false;

  return {
    async check(): Promise<UpdateOffer | null> {
      let r;
      try {
        r = await autoUpdater.checkForUpdates();
      } catch (e) {
        throw classifyUpdaterError(e);
      }
      if (!r || r.isUpdateAvailable === false) return null;
      return { version: r.updateInfo.version, ...(r.updateInfo.releaseDate ? { releaseDate: r.updateInfo.releaseDate } : {}) };
    },
    async download(): Promise<void> {
      try {
        await autoUpdater.downloadUpdate();
      } catch (e) {
        throw classifyUpdaterError(e);
      }
    },
    quitAndInstall({ relaunch }): void {
      autoUpdater.autoRunAppAfterInstall = relaunch; // macOS (Squirrel) reads this one
      autoUpdater.quitAndInstall(true, relaunch); // Windows: silent NSIS, then relaunch or not
    },
    onError(listener) {
      const l = (e: Error) => listener(classifyUpdaterError(e));
      autoUpdater.on('error', l);
      return () => {
        if (autoUpdater.off) autoUpdater.off('error', l);
        else autoUpdater.removeListener?.('error', l);
      };
    },
  };
}

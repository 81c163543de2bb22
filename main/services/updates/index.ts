export { UpdateService, type UpdateServiceOptions, type UpdaterPhase, type UpdaterStatus } from './service.js';
export {
  createElectronUpdaterEngine,
  classifyUpdaterError,
  feedUrlFor,
  type AutoUpdaterLike,
  type ElectronUpdaterEngineOptions,
} from './electron-updater-engine.js';
export {
  UpdateEngineError,
  type UpdaterEngine,
  type UpdateOffer,
  type IdleTime,
  type ActivitySource,
  type ConsultationHoursSource,
  type UpdateReporter,
} from './ports.js';
export {
  decideInstall,
  decideOffer,
  retryDelayMs,
  nextFailure,
  isRejection,
  DEFAULT_UPDATE_POLICY,
  type UpdatePolicyConfig,
  type ActivitySnapshot,
  type InstallDecision,
  type InstallBlocker,
  type OfferDecision,
} from './policy.js';
export { isConsultationTime, localTime } from './consultation.js';
export { fileUpdateStateStore, memoryUpdateStateStore, PersistedUpdateState, type UpdateStateStore } from './state.js';
export { AppUpdater, hubUpdateReporter, type AppUpdaterOptions, type UpdaterAppLink } from './app-updater.js';
export { ActivityTracker, type BusyFlags } from './activity.js';

import type { SAFETY_METHODS } from '@vigie/common';
import type { Capability } from '../app.js';
import type { IpcHandlers } from '../ipc.js';
import type { BackupService } from './service.js';

/** The safety backup's methods (backup:interventions, backup:undoIntervention) are the capability's (capability.ts). */
type BackupMethod = Exclude<Extract<keyof IpcHandlers, `backup:${string}`>, keyof typeof SAFETY_METHODS>;

/** The backup:* IPC handlers (input already parsed by the contract in createDispatch). */
export function backupHandlers(service: BackupService): Required<Pick<IpcHandlers, BackupMethod>> {
  return {
    'backup:getStatus': async () => service.status(),
    'backup:runNow': async () => service.runNow('manual'),
    'backup:listSnapshots': async () => service.listSnapshots(),
    'backup:browse': async (input) => service.browse(input),
    'backup:search': async (input) => service.search(input),
    'backup:restore': async (input) => service.restore(input),
    'backup:cancelRestore': async ({ jobId }) => service.cancelRestore(jobId),
    'backup:listRestores': async () => service.listRestores(),
    'backup:getSettings': async () => service.getSettings(),
    'backup:saveSettings': async (input) => service.saveSettings(input),
    'backup:openFolder': async ({ jobId }) => {
      await service.openFolder(jobId);
      return {};
    },
    'backup:places': async () => service.places(),
    'backup:restorePlan': async (input) => service.restorePlan(input),
    'backup:listFolders': async (input) => service.listFolders(input),
  };
}

/**
 * The backup capability for VigieApp (`capabilities: [backupCapability(service)]`, plus
 * `backupSummary: async () => service.summary()` for the help-request context): handlers,
 * pushes 'backup:status' / 'backup:restoreProgress', and the service's lifecycle.
 */
export function backupCapability(service: BackupService): Capability {
  let off: (() => void) | null = null;
  return {
    name: 'backup',
    handlers: backupHandlers(service),
    async start({ publish }) {
      off = publishBackupEvents(service, publish);
      await service.start();
    },
    async stop() {
      off?.();
      off = null;
      await service.stop();
    },
  };
}

/** Wires the service's events to a publisher (VigieApp.publish). Returns the unsubscribe. */
export function publishBackupEvents(
  service: BackupService,
  publish: (name: 'backup:status' | 'backup:restoreProgress', payload: unknown) => void,
): () => void {
  const a = service.on('status', (s) => publish('backup:status', s));
  const b = service.on('restore', (j) => publish('backup:restoreProgress', j));
  return () => {
    a();
    b();
  };
}

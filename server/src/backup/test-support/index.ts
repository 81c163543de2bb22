/** Helpers for tests that play the device's side of the backup relay. */
import { randomUUID } from 'node:crypto';
import { BackupRelayCall, type BackupAccessCall, type RestoreJob, type Result } from '@vigie/common';
import type { TestDevice } from '../../test-support/fixture.js';
import { answerCalls } from '../../test-support/sockets.js';

export const TEST_NOW = '2025-03-12T11:30:00.000Z';

/** The job a device answers to a restore call relayed under a request or an access (id chosen by the device), with `patch` on top. */
export function restoreJob(
  call: (BackupRelayCall | BackupAccessCall) & { method: 'backup:restore' },
  patch: Partial<RestoreJob> = {},
): RestoreJob {
  return {
    id: randomUUID(),
    request: { ...call.input, mode: call.input.mode ?? 'beside', origin: call.input.origin ?? 'practitioner' },
    state: 'queued',
    progress: null,
    snapshotTime: null,
    createdAt: TEST_NOW,
    startedAt: null,
    endedAt: null,
    result: null,
    error: null,
    requestedBy: { name: call.technician.name },
    ...patch,
  };
}

/** Makes the test device answer the hub's relayed backup calls; returns the calls it received. */
export function answer(dev: TestDevice, reply: (call: BackupRelayCall) => Result<unknown> | null): BackupRelayCall[] {
  return answerCalls(dev.socket, 'backup:relay', BackupRelayCall, reply);
}

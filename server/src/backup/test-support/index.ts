/** Helpers for tests that play the device's side of the backup relay. */
import { randomUUID } from 'node:crypto';
import { BackupRelayCall, type RestoreJob, type Result } from '@vigie/common';
import type { TestDevice } from '../../test-support/fixture.js';

export const TEST_NOW = '2025-03-12T11:30:00.000Z';

/** The job a device answers to a relayed restore call (id chosen by the device), with `patch` on top. */
export function restoreJob(call: BackupRelayCall & { method: 'backup:restore' }, patch: Partial<RestoreJob> = {}): RestoreJob {
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

/** Makes the test device answer the hub's calls; returns the calls it received. */
export function answer(dev: TestDevice, reply: (call: BackupRelayCall) => Result<unknown> | null): BackupRelayCall[] {
  const calls: BackupRelayCall[] = [];
  dev.socket.removeAllListeners('backup:relay');
  dev.socket.on('backup:relay', (raw: unknown, ack: (r: unknown) => void) => {
    const call = BackupRelayCall.parse(raw);
    calls.push(call);
    const r = reply(call);
    if (r) ack(r);
  });
  return calls;
}

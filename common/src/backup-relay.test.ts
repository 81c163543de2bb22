import { describe, expect, it } from 'vitest';
import {
  BACKUP_DEVICE_EVENTS,
  BACKUP_RELAY_STRINGS,
  BACKUP_TECH_EVENTS,
  BackupAccessCall,
  BackupAccessConsentRequest,
  BackupRelayCall,
  backupHeadlineKey,
  snapshotCrumbs,
} from './backup-relay.js';
import { BACKUP_STRINGS } from './backup.js';

describe('backup relay contract', () => {
  it('only the six backup methods can be relayed to a device, each with its own schema', () => {
    const base = { requestId: 'r1', technician: { id: 't1', name: 'Julie Martin' } };
    expect(BackupRelayCall.safeParse({ ...base, method: 'backup:getStatus', input: {} }).success).toBe(true);
    expect(BackupRelayCall.safeParse({ ...base, method: 'backup:saveSettings', input: {} }).success).toBe(false);
    expect(BackupRelayCall.safeParse({ ...base, method: 'backup:openFolder', input: { jobId: 'j' } }).success).toBe(false);
    expect(
      BackupRelayCall.safeParse({ ...base, method: 'backup:browse', input: { snapshotId: 'abcdef12', path: '/a/../b' } }).success,
    ).toBe(false);
    expect(BackupRelayCall.safeParse({ ...base, method: 'backup:getStatus', input: {}, extra: 1 }).success).toBe(false);
    expect(
      BACKUP_TECH_EVENTS['backup:restore'].request.safeParse({ requestId: 'r1', input: { snapshotId: 'abcdef12', paths: ['/a/b'] } })
        .success,
    ).toBe(true);
    expect(BACKUP_TECH_EVENTS['backup:status'].request.safeParse({ requestId: 'r1', deviceId: 'd2' }).success).toBe(false);
  });

  it('names the right of every technician call: a request or an access, exactly one', () => {
    const status = BACKUP_TECH_EVENTS['backup:status'].request;
    expect(status.safeParse({ requestId: 'r1' }).success).toBe(true);
    expect(status.safeParse({ accessId: 'a1' }).success).toBe(true);
    expect(status.safeParse({ requestId: 'r1', accessId: 'a1' }).success).toBe(false);
    expect(status.safeParse({}).success).toBe(false);
    expect(
      BACKUP_TECH_EVENTS['backup:restore'].request.safeParse({ accessId: 'a1', input: { snapshotId: 'abcdef12', paths: ['/a/b'] } })
        .success,
    ).toBe(true);
    // Under an access, the same six methods and nothing else; the call names the access, never a request.
    const base = { accessId: 'a1', technician: { id: 't1', name: 'Julie Martin' } };
    expect(BackupAccessCall.safeParse({ ...base, method: 'backup:listSnapshots', input: {} }).success).toBe(true);
    expect(BackupAccessCall.safeParse({ ...base, method: 'backup:saveSettings', input: {} }).success).toBe(false);
    expect(BackupAccessCall.safeParse({ ...base, requestId: 'r1', method: 'backup:getStatus', input: {} }).success).toBe(false);
    expect(BackupRelayCall.safeParse({ ...base, method: 'backup:getStatus', input: {} }).success).toBe(false);
    // The practitioner's answer and the consent shown: bounded, no free text from the technician.
    expect(BACKUP_DEVICE_EVENTS['backup:access-answer'].request.safeParse({ accessId: 'a1', decision: 'maybe' }).success).toBe(false);
    expect(BACKUP_DEVICE_EVENTS['backup:access-stop'].request.safeParse({ accessId: 'a1', reason: 'because' }).success).toBe(false);
    expect(
      BackupAccessConsentRequest.safeParse({
        accessId: 'a1',
        technician: { id: 't1', name: 'Julie' },
        providerName: 'Vigie',
        shortCode: 'abc',
        expiresAt: '2030-01-01T00:00:00.000Z',
        grantMinutes: 30,
      }).success,
    ).toBe(false);
  });

  it('computes the headline key where it is shown', () => {
    const now = Date.parse('2025-03-12T12:00:00Z');
    expect(backupHeadlineKey({ headline: 'stale', lastSuccessAt: '2025-03-09T10:00:00Z' }, now)).toEqual({
      key: 'headline.stale',
      vars: { days: 3 },
    });
    expect(backupHeadlineKey({ headline: 'stale', lastSuccessAt: '2025-03-11T10:00:00Z' }, now)).toEqual({
      key: 'headline.staleOneDay',
      vars: {},
    });
    expect(backupHeadlineKey({ headline: 'stale', lastSuccessAt: null }, now)).toEqual({ key: 'headline.never', vars: {} });
    expect(backupHeadlineKey({ headline: 'ok', lastSuccessAt: null, lastRun: { outcome: 'warning', unreadableCount: 2 } }, now)).toEqual({
      key: 'headline.okWithWarning',
      vars: { count: 2 },
    });
    expect(backupHeadlineKey({ headline: 'failed', lastSuccessAt: null }, now).key).toBe('headline.failed');
    expect(BACKUP_STRINGS.fr.headline.stale).toContain('{{days}}');
  });

  it('builds breadcrumbs from the backed-up folder down', () => {
    const one = { roots: ['/home/cab/Documents'], paths: ['/home/cab/Documents'] };
    expect(snapshotCrumbs(one, '/home/cab/Documents/Ordonnances/2025')).toEqual([
      { path: '/home/cab/Documents', name: '/home/cab/Documents', kind: 'root' },
      { path: '/home/cab/Documents/Ordonnances', name: 'Ordonnances', kind: 'folder' },
      { path: '/home/cab/Documents/Ordonnances/2025', name: '2025', kind: 'folder' },
    ]);
    const two = { roots: ['/C/Users/dr/Documents', '/C/Julie'], paths: ['C:\\Users\\dr\\Documents', 'C:\\Julie'] };
    expect(snapshotCrumbs(two, null)).toEqual([{ path: null, name: null, kind: 'folders' }]);
    expect(snapshotCrumbs(two, '/C/Julie').map((c) => c.name)).toEqual([null, 'C:\\Julie']);
    // A path outside the backed-up folders (or a look-alike prefix) gives no crumbs beyond the list.
    expect(snapshotCrumbs(two, '/C/JulieX')).toEqual([{ path: null, name: null, kind: 'folders' }]);
  });

  it('has every practitioner sentence in English too', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [p + k] : keys(v as object, `${p}${k}.`)));
    expect(keys(BACKUP_RELAY_STRINGS.en).sort()).toEqual(keys(BACKUP_RELAY_STRINGS.fr).sort());
  });
});

import { describe, expect, it } from 'vitest';
import { AUDIT_ACTS, AuditQuery, auditActOf } from '@vigie/common';
import { createI18n } from '../i18n';
import { backupConsoleEn, backupConsoleFr } from '../backup/strings';
import { NO_AUDIT_FILTERS, auditQuery, dayBound } from './audit-controller';
import { pagesEn, pagesFr } from './strings';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`)));
}

describe('device page, audit view and access strings', () => {
  it('English has exactly the French keys, none empty', () => {
    expect(keys(pagesEn).sort()).toEqual(keys(pagesFr).sort());
    expect(keys(backupConsoleEn).sort()).toEqual(keys(backupConsoleFr).sort());
    for (const k of keys(pagesFr)) expect(k.length).toBeGreaterThan(0);
  });

  it('names every act in both languages, and the hub’s actions as a reader understands them', () => {
    for (const lng of ['fr', 'en'] as const) {
      const i18n = createI18n(lng);
      for (const act of Object.keys(AUDIT_ACTS)) expect(i18n.t(`audit.acts.${act}`)).not.toContain('audit.acts');
      for (const a of ['screen.control.refused', 'backup.access.granted', 'help.resolve', 'audit.export', 'device.history_view'])
        expect(i18n.t(`audit.actions.${a.replace(/\./g, '_')}`)).not.toContain('audit.actions');
    }
    expect(createI18n('fr').t('audit.actions.screen_control_refused')).toBe('Prise de main refusée ou impossible');
    expect(createI18n('en').t('backup.ui.access.ended.timeout')).toBe('No answer from the practice: access refused automatically.');
  });
});

describe('audit view filters', () => {
  it('sends local days as the instants that bound them, and only the filters set', () => {
    const from = dayBound('2026-03-02', false)!;
    const to = dayBound('2026-03-02', true)!;
    expect(new Date(from).getHours()).toBe(0);
    expect(Date.parse(to) - Date.parse(from)).toBe(24 * 3_600_000 - 1);
    expect(dayBound('2026-13-40', false)).not.toBe('2026-13-40');
    expect(dayBound('hier', false)).toBeUndefined();
    expect(auditQuery(NO_AUDIT_FILTERS)).toEqual({ limit: 50 });
    const q = auditQuery({ practiceId: 'p1', technicianId: '', act: 'control', from: '2026-03-02', to: '' }, 120);
    expect(q).toEqual({ practiceId: 'p1', act: 'control', from, beforeSeq: 120, limit: 50 });
    // What the page sends is what the hub accepts.
    expect(AuditQuery.safeParse(q).success).toBe(true);
  });

  it('puts each action in one act, the narrower first', () => {
    expect(auditActOf('screen.control.granted')).toBe('control');
    expect(auditActOf('screen.end')).toBe('screen');
    expect(auditActOf('backup.access.end')).toBe('access');
    expect(auditActOf('backup.read')).toBe('reads');
    expect(auditActOf('backup.restore_requested')).toBe('backups');
    expect(auditActOf('help.view')).toBe('reads');
    expect(auditActOf('help.accept')).toBe('requests');
    expect(auditActOf('device.history_view')).toBe('reads');
    expect(auditActOf('device.revoke')).toBe('devices');
    expect(auditActOf('audit.export')).toBe('reads');
    expect(auditActOf('audit.chain_keyed')).toBe('admin');
    expect(auditActOf('something.else')).toBeNull();
  });
});

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { SafetySnapshot } from '@vigie/common';
import { backupErrorSentences } from '../../../web/backup-errors';
import { SafetyChangeList } from '../../../web/SafetyChangeList';
import { useController } from '../app/context';
import { formatTimeOfDay } from '../lib/time';
import './screen.css';

/**
 * The safety backup the practice's computer takes before the technician acts (issue 12): how the
 * latest one went (running, done, failed — then the practice decides), and after the session the
 * same change list the practitioner sees, with what became of their « Annuler les changements ».
 * Nothing is shown before the first safety backup of the request.
 */
export function SafetyPanel({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const safety = useController().safety;
  const view = useStore(safety.store, (s) => s.byRequest[requestId]);
  useEffect(() => {
    void safety.load(requestId);
  }, [safety, requestId]);
  const i = view?.intervention ?? null;
  if (!i || i.snapshots.length === 0) return null;
  const last = i.snapshots[i.snapshots.length - 1]!;
  const c = i.changes;
  const u = i.undo;
  return (
    <section className="panel safety-panel" aria-labelledby={`safety-title-${requestId}`} data-testid="safety-panel">
      <h2 id={`safety-title-${requestId}`} className="panel-title">
        {t('screen.safety.panelTitle')}
      </h2>
      <p role="status" data-testid="safety-snapshot" data-state={last.state}>
        {snapshotLine(last)}
      </p>
      {last.state === 'failed' ? <p className="notice notice--warn">{t('screen.safety.practiceDecides')}</p> : null}
      {c ? (
        <div data-testid="safety-session" data-state={c.state}>
          <h3 className="panel-subtitle">{t('screen.safety.changesTitle')}</h3>
          {c.state === 'computing' ? <p className="muted">{t('screen.safety.computing')}</p> : null}
          {c.state === 'failed' ? (
            <p className="notice notice--warn">{i.baseline ? t('screen.safety.changesFailed') : t('screen.safety.noBaseline')}</p>
          ) : null}
          {c.state === 'ready' ? <SafetyChangeList changes={c} t={(k, v) => t(k, v ?? {})} className="safety-list" /> : null}
          {c.state === 'ready' && !u && c.counts.changed + c.counts.deleted > 0 ? (
            <p className="muted">{t('screen.safety.practiceUndo')}</p>
          ) : null}
          {u?.state === 'running' ? <p role="status">{t('screen.safety.undoRunning')}</p> : null}
          {u && u.state !== 'running' ? (
            <div role="status" data-testid="safety-undo" data-state={u.state}>
              <p>{t('screen.safety.undoneByPractice')}</p>
              {u.restored > 0 ? <p>{t('screen.safety.undoDone', { count: u.restored })}</p> : null}
              {u.keptCopies > 0 ? <p>{t('screen.safety.undoKept', { count: u.keptCopies })}</p> : null}
              {u.failed > 0 ? <p className="notice notice--warn">{t('screen.safety.undoFailed', { count: u.failed })}</p> : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );

  function snapshotLine(s: SafetySnapshot): string {
    const before = t(`screen.safety.before.${s.before}`);
    if (s.state === 'running') return t('screen.safety.snapshotRunning', { before });
    if (s.state === 'done')
      return t('screen.safety.snapshotDone', { before, time: formatTimeOfDay(s.endedAt ?? s.startedAt, i18n.language) });
    const reason = s.error ? backupErrorSentences(t, s.error).message : '';
    return t('screen.safety.snapshotFailed', { before, reason });
  }
}

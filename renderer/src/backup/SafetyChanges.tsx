import { useTranslation } from 'react-i18next';
import type { SafetyIntervention } from '@vigie/common';
import { SafetyChangeList } from '../../../web/SafetyChangeList.js';
import { useAttach } from '../store.js';
import { ErrorBlock } from './parts.js';
import { useSafety } from './safety-store.js';
import './backup.css';

function UndoLine({ i }: { i: SafetyIntervention }) {
  const { t } = useTranslation();
  const u = i.undo;
  if (!u) return null;
  if (u.state === 'running') return <p role="status">{t('screen.safety.undoRunning')}</p>;
  return (
    <div role="status" data-testid="safety-undo" data-state={u.state}>
      {u.total === 0 ? <p>{t('screen.safety.undoNothing')}</p> : null}
      {u.restored > 0 ? <p>{t('screen.safety.undoDone', { count: u.restored })}</p> : null}
      {u.keptCopies > 0 ? <p>{t('screen.safety.undoKept', { count: u.keptCopies })}</p> : null}
      {u.failed > 0 ? <p>{t('screen.safety.undoFailed', { count: u.failed })}</p> : null}
      {u.error ? <ErrorBlock error={u.error} /> : null}
    </div>
  );
}

function Intervention({ i }: { i: SafetyIntervention }) {
  const { t } = useTranslation();
  const undo = useSafety((s) => s.undo);
  const dismiss = useSafety((s) => s.dismiss);
  const busy = useSafety((s) => s.undoBusy === i.requestId);
  const error = useSafety((s) => (s.undoError?.requestId === i.requestId ? s.undoError.body : null));
  const c = i.changes!;
  const undoable =
    c.state === 'ready' && c.counts.changed + c.counts.deleted > 0 && i.undo?.state !== 'running' && i.undo?.state !== 'done';
  const titleId = `safety-${i.requestId}`;
  return (
    <section className="panel safety-changes" aria-labelledby={titleId} data-testid="intervention-changes" data-state={c.state}>
      <h2 id={titleId}>{t('screen.safety.title', { name: i.technicianName })}</h2>
      {c.state === 'computing' ? <p role="status">{t('screen.safety.computing')}</p> : null}
      {c.state === 'failed' ? (
        <>
          <p role="alert">{i.baseline ? t('screen.safety.changesFailed') : t('screen.safety.noBaseline')}</p>
          {c.error ? <ErrorBlock error={c.error} /> : null}
        </>
      ) : null}
      {c.state === 'ready' ? <SafetyChangeList changes={c} t={(k, v) => t(k, v ?? {})} className="safety-changes__list" /> : null}
      <UndoLine i={i} />
      {error ? <ErrorBlock error={error} /> : null}
      {undoable ? <p className="hint">{t('screen.safety.undoHint')}</p> : null}
      <div className="row">
        {undoable ? (
          <button type="button" className="primary" disabled={busy} onClick={() => void undo(i.requestId)}>
            {busy ? t('screen.safety.undoing') : t('screen.safety.undo')}
          </button>
        ) : null}
        {c.state !== 'computing' && i.undo?.state !== 'running' ? (
          <button type="button" className="secondary" onClick={() => dismiss(i.requestId)}>
            {t('screen.safety.dismiss')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

/**
 * After a session where a technician had control (or restored files): what changed in the
 * practice's folders, and « Annuler les changements de l'intervention ». Shown above every tab
 * until closed (it comes back if the list changes).
 */
export function SafetyChanges() {
  const attach = useSafety((s) => s.attach);
  const byRequest = useSafety((s) => s.byRequest);
  const dismissed = useSafety((s) => s.dismissed);
  useAttach(attach);
  const shown = Object.values(byRequest)
    .filter((i) => i.changes !== null && dismissed[i.requestId] !== i.updatedAt)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, 2);
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((i) => (
        <Intervention key={i.requestId} i={i} />
      ))}
    </>
  );
}

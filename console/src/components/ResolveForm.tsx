import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, type ErrorCode } from '@vigie/common';
import { useController } from '../app/context';

/** Resolution with a required short note (the practice sees it). */
export function ResolveForm({ requestId, onCancel }: { requestId: string; onCancel: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<ErrorCode | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    ref.current?.focus();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!note.trim()) {
      setMissing(true);
      ref.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await controller.resolve(requestId, note);
    setBusy(false);
    if (!r.ok) setError(r.error.code);
  }

  return (
    <form id="resolve-form" className="resolve" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="resolve-title">
      <h2 id="resolve-title" className="panel-title">
        {t('workspace.resolveTitle')}
      </h2>
      <div className="field">
        <label htmlFor="resolve-note">{t('workspace.resolveNote')}</label>
        <textarea
          ref={ref}
          id="resolve-note"
          rows={2}
          required
          maxLength={LIMITS.resolutionNote}
          aria-invalid={missing ? true : undefined}
          aria-describedby="resolve-hint"
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            if (e.target.value.trim()) setMissing(false);
          }}
        />
        <p id="resolve-hint" className="field__hint">
          {t('workspace.resolveNoteHint')}
        </p>
      </div>
      <div role="alert">
        {missing ? <p className="field__error">{t('workspace.resolveNoteRequired')}</p> : null}
        {error ? <p className="notice notice--error">{controller.errorText(error)}</p> : null}
      </div>
      <div className="resolve__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {busy ? t('workspace.resolving') : t('workspace.resolveConfirm')}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('workspace.cancel')}
        </button>
      </div>
    </form>
  );
}

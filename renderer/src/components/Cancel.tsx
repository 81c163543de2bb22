import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../store.js';
import { ErrorText } from './ErrorText.js';

export function Cancel() {
  const { t } = useTranslation();
  const cancel = useStore((s) => s.cancel);
  const busy = useStore((s) => !!s.busy.cancel);
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <div className="cancel">
        <button type="button" className="link" onClick={() => setAsking(true)}>
          {t('cancel.button')}
        </button>
        <ErrorText action="cancel" />
      </div>
    );
  }
  return (
    <div className="cancel confirm" role="group" aria-labelledby="cancel-question">
      <p id="cancel-question">{t('cancel.confirm')}</p>
      <div className="row">
        <button type="button" className="danger" disabled={busy} onClick={() => void cancel().then(() => setAsking(false))}>
          {t('cancel.yes')}
        </button>
        <button type="button" className="secondary" autoFocus onClick={() => setAsking(false)}>
          {t('cancel.no')}
        </button>
      </div>
      <ErrorText action="cancel" />
    </div>
  );
}

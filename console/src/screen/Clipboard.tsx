import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useController } from '../app/context';
import type { ScreenController } from './controller';
import { useScreenView } from './hooks';

/** The clipboard while control is granted: text sent to the practice's computer, or its text read back, on request. */
export function Clipboard({ screen }: { screen: ScreenController }) {
  const { t } = useTranslation();
  const controller = useController();
  const clip = useScreenView((s) => s.clipboard);
  const [text, setText] = useState('');
  const id = useId();
  const working = clip.status === 'sending' || clip.status === 'reading';
  return (
    <details className="screen-clipboard">
      <summary>{t('screen.clipboard')}</summary>
      <label htmlFor={id}>{t('screen.clipboardText')}</label>
      <textarea id={id} rows={2} value={text} maxLength={32_768} onChange={(e) => setText(e.target.value)} />
      <div className="screen-clipboard__actions">
        <button type="button" className="btn btn--small" disabled={working || !text} onClick={() => void screen.sendClipboard(text)}>
          {t('screen.clipboardSend')}
        </button>
        <button type="button" className="btn btn--small btn--ghost" disabled={working} onClick={() => void screen.readClipboard()}>
          {t('screen.clipboardGet')}
        </button>
      </div>
      <div role="status">
        {clip.status === 'sent' ? <p className="muted">{t('screen.clipboardSent')}</p> : null}
        {clip.status === 'read' ? (
          clip.text ? (
            <pre className="screen-clipboard__text" aria-label={t('screen.clipboardRead')}>
              {clip.text}
            </pre>
          ) : (
            <p className="muted">{t('screen.clipboardEmpty')}</p>
          )
        ) : null}
        {clip.status === 'error' && clip.error ? <p className="notice notice--error">{controller.errorText(clip.error)}</p> : null}
      </div>
    </details>
  );
}

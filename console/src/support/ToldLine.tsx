import { useTranslation } from 'react-i18next';
import { useQueue, useUi } from '../app/context';
import { DEFAULT_LOCALE, isLocale } from '../i18n';
import { toldText } from './format';

/** On a waiting request's card: what its practice is told about the wait right now (the hub's very message). */
export function ToldLine({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const position = useQueue((s) => s.positions.find((p) => p.requestId === requestId));
  const now = useUi((s) => s.now);
  const text = toldText(t, isLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE, position, now);
  if (!text || !position?.wait) return null;
  return (
    <p className={`queue-card__told queue-card__told--${position.wait.key}`} data-wait-key={position.wait.key} data-testid="told">
      <span className="queue-card__told-label">{t('support.told')}</span> {text}
    </p>
  );
}

import { useTranslation } from 'react-i18next';
import { useQueue, useUi } from '../app/context';
import { secondsLeft } from '../screen/notice';
import '../screen/screen.css';

/**
 * The short code the practitioner sees in their consent window, and the same deadline: both come
 * from the hub's record (screen session, backup access), the seconds counted on the hub's clock
 * (local time + the offset the queue snapshots measured), redrawn by the console's one-second tick.
 */
export function ConsentCode({
  label,
  code,
  expiresAt,
  kind,
  testId,
}: {
  label: string;
  code: string;
  expiresAt: string;
  kind: string;
  testId: string;
}) {
  const { t } = useTranslation();
  useUi((s) => s.now);
  const offset = useQueue((s) => s.offsetMs);
  return (
    <div className="screen-code" data-testid={`${testId}-code`} data-kind={kind}>
      <span className="screen-code__label">{label}</span>
      <strong className="screen-code__value" aria-label={t('screen.codeSpoken', { code: code.split('').join(' ') })}>
        {code}
      </strong>
      <span className="screen-code__countdown" data-testid={`${testId}-countdown`} aria-live="off">
        {t('screen.countdown', { seconds: secondsLeft(expiresAt, Date.now(), offset) })}
      </span>
    </div>
  );
}

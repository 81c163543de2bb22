import { useTranslation } from 'react-i18next';
import type { Locale, QueuePosition } from '@vigie/common';
import { waitTexts } from './wait.js';
import './wait.css';

/**
 * Where the request stands and what is true about the wait, as the hub last said it. While the
 * hub is not connected (`offline`: out of reach, or still connecting) nothing more than « bien
 * arrivée » is said: an old estimate would no longer be a fact.
 */
export function WaitStatus({
  position,
  locale,
  offline,
  nowMs = Date.now(),
}: {
  position: QueuePosition | null;
  locale: Locale;
  offline: boolean;
  nowMs?: number;
}) {
  const { t } = useTranslation();
  const texts = waitTexts(t, locale, offline ? null : position, nowMs);
  return (
    <div className="wait" data-wait-key={texts.key ?? 'none'} role="status">
      {texts.position ? <p className="wait__position">{texts.position}</p> : null}
      <p className="wait__main">{texts.main}</p>
      {texts.details.map((d) => (
        <p key={d} className="wait__detail">
          {d}
        </p>
      ))}
    </div>
  );
}

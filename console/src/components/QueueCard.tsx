import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueItem } from '@vigie/common';
import { useController, useQueue, useSession, useUi } from '../app/context';
import { slaLevel, waitingMs } from '../lib/sla';
import { formatClock } from '../lib/time';
import { routeHref } from '../lib/router';
import { SlaBadge } from './SlaBadge';
import { DeviceStatus } from './DeviceStatus';
import { useDurationText } from './format';
import '../tripwire/tripwire.css';
import { ToldLine } from '../support/ToldLine';

/** One request of the queue: who, what, how long, and the button to take it. */
export function QueueCard({ item }: { item: QueueItem }) {
  const { t } = useTranslation();
  const controller = useController();
  const titleId = useId();
  const now = useUi((s) => s.now);
  const offset = useQueue((s) => s.offsetMs);
  const accepting = useQueue((s) => s.accepting);
  const me = useSession((s) => s.technician?.id);
  const duration = useDurationText();
  const waiting = item.status === 'waiting';
  const waitMs = waitingMs(item.createdAt, now, offset);
  const level = slaLevel(waitMs);

  return (
    <li
      className={`queue-card${waiting ? ` queue-card--${level}` : ' queue-card--taken'}${item.urgent ? ' queue-card--urgent' : ''}`}
      data-request-id={item.id}
      aria-labelledby={titleId}
    >
      <div className="queue-card__main">
        {item.urgent ? <p className="queue-card__urgent">{t('tripwire.urgent')}</p> : null}
        <h3 id={titleId} className="queue-card__practice">
          {item.practiceName}
        </h3>
        <p className="queue-card__device">
          <span>{item.deviceName}</span> <DeviceStatus online={item.deviceOnline} />
        </p>
        <p className="queue-card__topic">{item.topic ? t(`topics.${item.topic}`) : <span className="muted">{t('queue.noTopic')}</span>}</p>
        <p className="queue-card__description">
          {item.description ? item.description : <span className="muted">{t('queue.noDescription')}</span>}
        </p>
        {waiting ? <ToldLine requestId={item.id} /> : null}
      </div>
      <div className="queue-card__side">
        {waiting ? (
          <>
            <p className="queue-card__wait">
              <span className="queue-card__wait-label">{t('queue.waitingFor')}</span>{' '}
              <time className="queue-card__clock" dateTime={item.createdAt} title={duration(waitMs)} data-testid="wait-clock">
                <span aria-hidden="true">{formatClock(waitMs)}</span>
                <span className="visually-hidden">{duration(waitMs)}</span>
              </time>
            </p>
            <SlaBadge level={level} />
            <button
              type="button"
              className="btn btn--primary btn--large"
              disabled={accepting !== null}
              aria-describedby={titleId}
              onClick={() => void controller.accept(item.id)}
            >
              {accepting === item.id ? t('queue.accepting') : t('queue.accept')}
            </button>
          </>
        ) : (
          <>
            <p className="queue-card__taken">
              {item.technician?.id === me ? t('queue.takenByMe') : t('queue.takenBy', { name: item.technician?.displayName ?? '' })}
            </p>
            {item.technician?.id === me ? (
              <a className="btn btn--ghost" href={routeHref({ name: 'request', id: item.id })}>
                {t('queue.open')}
              </a>
            ) : null}
          </>
        )}
      </div>
    </li>
  );
}

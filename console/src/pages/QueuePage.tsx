import { useTranslation } from 'react-i18next';
import { useController, useQueue } from '../app/context';
import { QueueCard } from '../components/QueueCard';
import { useDurationText } from '../components/format';
import { SupportPanel } from '../support/SupportPanel';

/** Home: the live queue of waiting requests, then the ones colleagues already took. */
export function QueuePage() {
  const { t } = useTranslation();
  const controller = useController();
  const requests = useQueue((s) => s.requests);
  const loaded = useQueue((s) => s.loaded);
  const notice = useQueue((s) => s.notice);
  const median = useQueue((s) => s.medianPickupSeconds);
  const duration = useDurationText();
  const waiting = requests.filter((r) => r.status === 'waiting');
  const taken = requests.filter((r) => r.status === 'assigned');

  return (
    <section aria-labelledby="queue-title" className="page">
      <div className="page__head">
        <h1 id="queue-title">{t('queue.title')}</h1>
        <p className="page__meta" data-testid="waiting-count">
          {t('queue.waitingCount', { count: waiting.length })}
          {median > 0 ? <span className="muted"> · {t('queue.median', { time: duration(median * 1000) })}</span> : null}
        </p>
        <button type="button" className="btn btn--ghost" onClick={() => void controller.refresh()}>
          {t('queue.refresh')}
        </button>
      </div>

      <SupportPanel />

      {notice ? (
        <div className={`notice ${notice.kind === 'taken' ? 'notice--warn' : 'notice--error'}`} role="alert" data-testid="queue-notice">
          <span>{notice.kind === 'taken' ? t('queue.alreadyTaken') : controller.errorText(notice.code)}</span>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => controller.dismissQueueNotice()}>
            {t('queue.dismiss')}
          </button>
        </div>
      ) : null}

      {!loaded ? (
        <p className="muted" role="status">
          {t('queue.loading')}
        </p>
      ) : waiting.length === 0 ? (
        <p className="empty-state">{t('queue.empty')}</p>
      ) : (
        <ul className="queue-list" aria-label={t('queue.waitingCount', { count: waiting.length })}>
          {waiting.map((r) => (
            <QueueCard key={r.id} item={r} />
          ))}
        </ul>
      )}

      {taken.length > 0 ? (
        <>
          <h2 className="section-title">{t('queue.takenSection')}</h2>
          <ul className="queue-list queue-list--taken">
            {taken.map((r) => (
              <QueueCard key={r.id} item={r} />
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import type { ChannelState, UpdatesOverview } from '@vigie/common';
import { formatDateTime } from '../lib/time';
import { channelKey, raiseChoices } from './controller';
import { useUpdates } from './hooks';
import { Table } from './Table';

/** Each channel and platform's rollout: version, share of devices offered it, « Élargir » and « Suspendre » (each opens its dialog). */
export function Channels({
  overview,
  onRaise,
  onHalt,
}: {
  overview: UpdatesOverview;
  onRaise: (s: ChannelState, trigger: HTMLElement) => void;
  onHalt: (s: ChannelState, trigger: HTMLElement) => void;
}) {
  const { t, i18n } = useTranslation();
  const pending = useUpdates((s) => s.pending);
  return (
    <section aria-labelledby="updates-channels" className="updates__section">
      <h2 id="updates-channels" className="section-title">
        {t('updates.channels.title')}
      </h2>
      {overview.channels.length === 0 ? (
        <p className="empty-state">{t('updates.channels.empty')}</p>
      ) : (
        <Table
          testId="updates-channels"
          caption={t('updates.channels.caption')}
          head={[
            t('updates.channels.channel'),
            t('updates.channels.platform'),
            t('updates.channels.version'),
            t('updates.channels.rollout'),
            t('updates.channels.actions'),
          ]}
        >
          {overview.channels.map((s) => {
            const names = { version: s.version, channel: t(`updates.channel.${s.channel}`), platform: t(`updates.platform.${s.platform}`) };
            const busy = pending === channelKey(s);
            return (
              <tr key={channelKey(s)} data-testid={`rollout-${s.channel}-${s.platform}`}>
                <td>
                  <span className="updates__channel">{t(`updates.channel.${s.channel}`)}</span>
                  <span className="muted updates__hint">{t(`updates.channelHint.${s.channel}`)}</span>
                </td>
                <td>{t(`updates.platform.${s.platform}`)}</td>
                <td className="updates__version">{s.version}</td>
                <td>
                  <div className="updates__rollout">
                    <progress
                      max={100}
                      value={s.stagingPercentage}
                      aria-label={t('updates.channels.rolloutLabel', { percent: s.stagingPercentage })}
                    />
                    {s.halted ? (
                      <span className="updates__badge updates__badge--halted" data-testid="rollout-state">
                        {t('updates.channels.halted')}
                      </span>
                    ) : (
                      <span data-testid="rollout-state">
                        {s.stagingPercentage >= 100
                          ? t('updates.channels.all')
                          : t('updates.channels.percent', { percent: s.stagingPercentage })}
                      </span>
                    )}
                  </div>
                  <span className="muted updates__hint">
                    {t('updates.channels.updatedAt', { date: formatDateTime(s.updatedAt, i18n.language) })}
                  </span>
                </td>
                <td>
                  <div className="updates__actions">
                    {raiseChoices(s.stagingPercentage).length > 0 ? (
                      <button
                        type="button"
                        className="btn btn--primary btn--small"
                        disabled={busy}
                        aria-label={t('updates.raiseLabel', names)}
                        onClick={(e) => onRaise(s, e.currentTarget)}
                      >
                        {t('updates.raise')}
                      </button>
                    ) : null}
                    {!s.halted ? (
                      <button
                        type="button"
                        className="btn updates__danger btn--small"
                        disabled={busy}
                        aria-label={t('updates.haltLabel', names)}
                        onClick={(e) => onHalt(s, e.currentTarget)}
                      >
                        {t('updates.halt')}
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </Table>
      )}
    </section>
  );
}

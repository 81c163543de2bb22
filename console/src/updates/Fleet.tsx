import { useTranslation } from 'react-i18next';
import type { UpdatesOverview } from '@vigie/common';
import { formatDateTime } from '../lib/time';
import { Table } from './Table';

/** What the fleet runs and has reported: versions in use, releases published, the latest update reports. */

export function Versions({ overview }: { overview: UpdatesOverview }) {
  const { t } = useTranslation();
  const total = overview.versions.reduce((n, v) => n + v.devices, 0);
  return (
    <section aria-labelledby="updates-versions" className="updates__section">
      <h2 id="updates-versions" className="section-title">
        {t('updates.versions.title')}
      </h2>
      {overview.versions.length === 0 ? (
        <p className="empty-state">{t('updates.versions.empty')}</p>
      ) : (
        <>
          <Table
            testId="updates-versions"
            caption={t('updates.versions.caption')}
            head={[t('updates.versions.version'), t('updates.versions.os'), t('updates.versions.devices')]}
          >
            {overview.versions.map((v) => (
              <tr key={`${v.appVersion}:${v.os}`}>
                <td className="updates__version">{v.appVersion}</td>
                <td>{t(`updates.os.${v.os}`, { defaultValue: v.os })}</td>
                <td className="updates__number">{v.devices}</td>
              </tr>
            ))}
          </Table>
          <p className="muted">{t('updates.versions.total', { count: total })}</p>
        </>
      )}
    </section>
  );
}

export function Releases({ overview, locale }: { overview: UpdatesOverview; locale: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="updates-releases" className="updates__section">
      <h2 id="updates-releases" className="section-title">
        {t('updates.releases.title')}
      </h2>
      {overview.releases.length === 0 ? (
        <p className="empty-state">{t('updates.releases.empty')}</p>
      ) : (
        <Table
          testId="updates-releases"
          caption={t('updates.releases.caption')}
          head={[
            t('updates.releases.version'),
            t('updates.releases.platform'),
            t('updates.releases.publishedAt'),
            t('updates.releases.publishedBy'),
            t('updates.releases.files'),
          ]}
        >
          {overview.releases.map((r) => (
            <tr key={`${r.version}:${r.platform}`}>
              <td className="updates__version">{r.version}</td>
              <td>{t(`updates.platform.${r.platform}`)}</td>
              <td>{formatDateTime(r.publishedAt, locale)}</td>
              <td>{r.publishedBy ?? t('updates.releases.unknown')}</td>
              <td className="updates__files">{r.files.map((f) => f.name).join(', ')}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

export function Reports({ overview, locale }: { overview: UpdatesOverview; locale: string }) {
  const { t } = useTranslation();
  const latest = overview.reports.slice(0, 20);
  return (
    <section aria-labelledby="updates-reports" className="updates__section">
      <h2 id="updates-reports" className="section-title">
        {t('updates.reports.title')}
      </h2>
      {latest.length === 0 ? (
        <p className="empty-state">{t('updates.reports.empty')}</p>
      ) : (
        <Table
          testId="updates-reports"
          caption={t('updates.reports.caption')}
          head={[t('updates.reports.at'), t('updates.reports.outcome'), t('updates.reports.version'), t('updates.reports.reason')]}
        >
          {latest.map((r, i) => (
            <tr
              key={`${r.deviceId}:${r.receivedAt}:${i}`}
              className={r.outcome === 'failed' || r.outcome === 'rejected' ? 'updates__row--bad' : undefined}
            >
              <td>{formatDateTime(r.at, locale)}</td>
              <td>{t(`updates.outcome.${r.outcome}`)}</td>
              <td className="updates__version">{r.targetVersion ?? r.currentVersion}</td>
              <td>{r.reason ? t(`updates.reason.${r.reason}`) : t('updates.reports.none')}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

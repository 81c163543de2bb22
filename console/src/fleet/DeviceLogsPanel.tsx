import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceLogs, ErrorCode } from '@vigie/common';
import { useController } from '../app/context';
import { formatDateTime } from '../lib/time';
import './fleet.css';

/**
 * The device's technical log, on the request page of its assigned technician: read on demand (each
 * read is audited by the hub and written in the practice's chat), never kept.
 */
export function DeviceLogsPanel({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const [logs, setLogs] = useState<DeviceLogs | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorCode | null>(null);

  const read = async () => {
    setLoading(true);
    setError(null);
    const r = await controller.fleet.deviceLogs(requestId);
    setLoading(false);
    if (r.ok) setLogs(r.data);
    else setError(r.error.code);
  };

  return (
    <section className="device-logs" aria-labelledby="dl-title" data-testid="device-logs" aria-busy={loading}>
      <h2 id="dl-title" className="panel-title">
        {t('deviceLogs.title')}
      </h2>
      <p className="muted">{t('deviceLogs.intro')}</p>
      <button type="button" className="btn btn--ghost" disabled={loading} onClick={() => void read()}>
        {logs ? t('deviceLogs.refresh') : t('deviceLogs.show')}
      </button>
      {loading ? (
        <p className="muted" role="status">
          {t('deviceLogs.loading')}
        </p>
      ) : null}
      {error ? (
        <p className="notice notice--error" role="alert">
          {controller.errorText(error)}
        </p>
      ) : null}
      {logs ? (
        <>
          <p className="muted" data-testid="device-logs-meta">
            {t('deviceLogs.readAt', { date: formatDateTime(logs.readAt, i18n.language) })} ·{' '}
            {t('deviceLogs.count', { count: logs.lines.length })}
            {logs.truncated ? ` · ${t('deviceLogs.truncated')}` : ''}
          </p>
          <pre className="device-logs__lines" data-testid="device-logs-lines">
            {logs.lines.length ? logs.lines.join('\n') : t('deviceLogs.empty')}
          </pre>
        </>
      ) : null}
    </section>
  );
}

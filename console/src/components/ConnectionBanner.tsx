import { useTranslation } from 'react-i18next';
import { useConnection } from '../app/context';

/** Shown while the socket is down; socket.io keeps retrying on its own. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const status = useConnection((s) => s.status);
  const everConnected = useConnection((s) => s.everConnected);
  const lost = status === 'disconnected' || (everConnected && status === 'connecting');
  const first = !everConnected && status === 'connecting';
  return (
    <div role="status" aria-live="polite" className="connection-slot">
      {lost ? (
        <div className="connection-banner connection-banner--lost" data-testid="connection-lost">
          <span className="spinner" aria-hidden="true" />
          {t('connection.lost')}
        </div>
      ) : first ? (
        <div className="connection-banner connection-banner--connecting">{t('connection.connecting')}</div>
      ) : null}
    </div>
  );
}

import { useTranslation } from 'react-i18next';

/** Online/offline marker with its word. */
export function DeviceStatus({ online }: { online: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`presence ${online ? 'presence--online' : 'presence--offline'}`} data-online={online}>
      <span className="presence__dot" aria-hidden="true" />
      {online ? t('device.online') : t('device.offline')}
    </span>
  );
}

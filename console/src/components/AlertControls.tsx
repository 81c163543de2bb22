import { useTranslation } from 'react-i18next';
import { useController, useUi } from '../app/context';

/** Sound on/off and the notification permission button (the permission is never asked on load). */
export function AlertControls() {
  const { t } = useTranslation();
  const controller = useController();
  const sound = useUi((s) => s.soundEnabled);
  const permission = useUi((s) => s.notificationPermission);
  return (
    <div className="alert-controls">
      <button
        type="button"
        className="btn btn--ghost btn--compact"
        aria-pressed={sound}
        title={t('alerts.soundToggle')}
        onClick={() => controller.setSound(!sound)}
      >
        <span className={`sound-icon${sound ? '' : ' sound-icon--off'}`} aria-hidden="true" />
        {sound ? t('alerts.soundOn') : t('alerts.soundOff')}
      </button>
      {permission === 'default' ? (
        <button type="button" className="btn btn--ghost btn--compact" onClick={() => void controller.enableNotifications()}>
          {t('alerts.enableNotifications')}
        </button>
      ) : (
        <span className="alert-controls__state">
          {permission === 'granted'
            ? t('alerts.notificationsOn')
            : permission === 'denied'
              ? t('alerts.notificationsBlocked')
              : t('alerts.notificationsUnsupported')}
        </span>
      )}
    </div>
  );
}

import { useTranslation } from 'react-i18next';
import { useScreenView } from './hooks';
import { formatBitrate } from './quality';

/** The lines above the picture: which monitor is shared (n of count), and the live quality (frame rate, size, bitrate, round trip). */

export function MonitorLabel() {
  const { t } = useTranslation();
  const d = useScreenView((s) => s.display);
  if (!d) return null;
  return (
    <p className="screen-monitor" data-testid="screen-monitor">
      {d.count > 1 ? t('screen.monitorOf', d) : t('screen.monitor', d)}
    </p>
  );
}

export function QualityLine() {
  const { t, i18n } = useTranslation();
  const q = useScreenView((s) => s.quality);
  if (!q) return null;
  const unknown = t('screen.unknown');
  const fmt = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 });
  return (
    <p className="screen-quality" aria-label={t('screen.qualityLabel')} data-testid="screen-quality">
      {t('screen.quality', {
        fps: q.fps === null ? unknown : fmt.format(q.fps),
        width: q.width || unknown,
        height: q.height || unknown,
        bitrate: q.kbps === null ? unknown : formatBitrate(q.kbps, i18n.language),
        rtt:
          q.rttMs === null
            ? unknown
            : t('screen.rtt', { ms: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 }).format(q.rttMs) }),
      })}
    </p>
  );
}

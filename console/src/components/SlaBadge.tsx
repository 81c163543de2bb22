import { useTranslation } from 'react-i18next';
import type { SlaLevel } from '../lib/sla';

const ICON: Record<SlaLevel, string> = { ok: '●', warn: '▲', breach: '■' };

/** SLA band as colour, shape and words (never colour alone). */
export function SlaBadge({ level }: { level: SlaLevel }) {
  const { t } = useTranslation();
  return (
    <span className={`sla sla--${level}`} data-sla={level}>
      <span className="sla__icon" aria-hidden="true">
        {ICON[level]}
      </span>
      <span className="visually-hidden">{t('sla.prefix')} </span>
      {t(`sla.${level}`)}
    </span>
  );
}

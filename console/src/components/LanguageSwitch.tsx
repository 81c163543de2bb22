import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LOCALES } from '../i18n';

/** Language picker; `compact` hides the visible label (kept for screen readers). */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {t('language.label')}
      </label>
      <select id={id} value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '@vigie/common';
import { useStore } from '../store.js';
import { Enrollment } from './Enrollment.js';
import { RestoreBanner } from '../backup/RestoreBanner.js';
import { SafetyChanges } from '../backup/SafetyChanges.js';
import { AccessConsent } from '../backup/AccessConsent.js';
import { ScreenLayer } from '../screen/ScreenViews.js';
import { Tabs } from './Tabs.js';
import { TripwireAlert } from '../tripwire/TripwireAlert.js';

function LanguageSwitch({ locale }: { locale: Locale }) {
  const { t } = useTranslation();
  const setLocale = useStore((s) => s.setLocale);
  return (
    <div className="language" role="group" aria-label={t('language.label')}>
      {(['fr', 'en'] as const).map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={l === locale}
          className={l === locale ? 'selected' : ''}
          onClick={() => void setLocale(l)}
        >
          {t(`language.${l}`)}
        </button>
      ))}
    </div>
  );
}

/** `screenLayer`: draw the remote-screen consent and banner inside this page, right below the tab bar (browser host; Electron has its own windows). */
export function App({ screenLayer = false }: { screenLayer?: boolean }) {
  const { t, i18n } = useTranslation();
  const app = useStore((s) => s.app);
  const transport = useStore((s) => s.transport);

  useEffect(() => {
    if (!app) return;
    if (i18n.language !== app.locale) void i18n.changeLanguage(app.locale);
    document.documentElement.lang = app.locale;
  }, [app?.locale, i18n, app]);

  useEffect(() => {
    document.title = t('app.title');
  }, [t]);

  const enrolled = app?.enrollment.status === 'enrolled' ? app.enrollment : null;
  return (
    <div className="app" data-tray={app?.tray}>
      <header className="top">
        <span className="brand" aria-hidden="true">
          <span className="logo" />
          {t('app.title')}
        </span>
        {enrolled ? <span className="practice">{t('app.practice', { name: enrolled.practiceName })}</span> : null}
      </header>
      {transport === 'closed' ? (
        <p className="banner offline" role="alert">
          {t('app.hostDown')}
        </p>
      ) : null}
      <main>
        <TripwireAlert />
        {!app ? (
          <p role="status">{t('app.loading')}</p>
        ) : app.enrollment.status === 'unenrolled' ? (
          <Enrollment enrollment={app.enrollment} />
        ) : (
          <>
            <AccessConsent />
            <RestoreBanner />
            <SafetyChanges />
            {/* The screen-sharing consent and banner sit with the tab bar, below it: they never cover the tabs. */}
            <Tabs app={app} header={screenLayer ? <ScreenLayer /> : null} />
          </>
        )}
      </main>
      <footer>{app ? <LanguageSwitch locale={app.locale} /> : null}</footer>
    </div>
  );
}

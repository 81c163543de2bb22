import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { z } from 'zod';
import { App } from './App';
import { ConsoleController } from './app/controller';
import { ControllerProvider, navigate } from './app/context';
import { createApi } from './lib/api';
import { createAlerts } from './lib/alerts';
import { createLogger } from './lib/log';
import { createTechClient } from './lib/socket';
import { createI18n, isLocale, DEFAULT_LOCALE } from './i18n';
import './styles.css';

// Strict CSP (no 'unsafe-eval'): zod must not even probe `new Function`.
z.config({ jitless: true });

const LOCALE_KEY = 'vigie.console.locale';

function safeStorage(): Storage | null {
  try {
    const s = window.localStorage;
    s.getItem(LOCALE_KEY);
    return s;
  } catch {
    return null;
  }
}

function boot(): void {
  const storage = safeStorage();
  const stored = storage?.getItem(LOCALE_KEY);
  const i18n = createI18n(isLocale(stored) ? stored : DEFAULT_LOCALE);
  const setLang = (lng: string) => {
    document.documentElement.lang = lng;
    document.title = i18n.t('app.title');
  };
  setLang(i18n.language);
  i18n.on('languageChanged', (lng) => {
    setLang(lng);
    try {
      storage?.setItem(LOCALE_KEY, lng);
    } catch {
      // preference only
    }
  });

  const log = createLogger(import.meta.env.DEV);
  const alerts = createAlerts();
  alerts.install();
  const controller = new ConsoleController({
    client: createTechClient({ log }),
    api: createApi({ log }),
    alerts,
    log,
    i18n,
    storage,
    navigate,
    isVisible: () => document.visibilityState === 'visible',
    hasAttention: () => document.visibilityState === 'visible' && document.hasFocus(),
  });
  void controller.start();

  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing');
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ControllerProvider controller={controller}>
          <App />
        </ControllerProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}

boot();

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { resolveApi } from './api.js';
import { App } from './components/App.js';
import { createI18n } from './i18n/index.js';
import { useStore } from './store.js';
import './styles/app.css';

const i18n = createI18n('fr');
const root = createRoot(document.getElementById('root')!);
const api = resolveApi((s) => useStore.getState().setTransport(s));

if (!api) {
  root.render(
    <main className="app">
      <p className="banner offline" role="alert">
        {i18n.t('app.noBridge')}
      </p>
    </main>,
  );
} else {
  useStore.getState().connect(api);
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}

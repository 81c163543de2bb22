import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { resolveApi } from './api.js';
import { App } from './components/App.js';
import { ScreenWindow } from './screen/ScreenViews.js';
import { ScreenShare } from './screen/share.js';
import { screenWindowOf, useScreen } from './screen/store.js';
import { TripwireAlert } from './tripwire/TripwireAlert.js';
import { tripwireWindowOf, useTripwire } from './tripwire/store.js';
import { createI18n } from './i18n/index.js';
import { useStore } from './store.js';
import './styles/app.css';

const i18n = createI18n('fr');
const root = createRoot(document.getElementById('root')!);
// Electron's preload defines window.vigie before any script runs; the browser host builds it below.
const electron = window.vigie !== undefined;
// Electron's always-on-top consent and banner windows load this same build with #screen=consent|banner.
const screenWindow = electron ? screenWindowOf(window.location.hash) : null;
// …and the full-width ransomware alert window with #tripwire=alert.
const tripwireWindow = electron && tripwireWindowOf(window.location.hash);
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
  useScreen.getState().attach(api);
  useTripwire.getState().attach(api);
  // The capture and the peer live in exactly one place: the browser host's page, or Electron's banner window.
  if (!electron || screenWindow === 'banner') new ScreenShare({ api }).attach();
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        {tripwireWindow ? <TripwireAlert window /> : screenWindow ? <ScreenWindow kind={screenWindow} /> : <App screenLayer={!electron} />}
      </I18nextProvider>
    </StrictMode>,
  );
}

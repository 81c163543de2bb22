import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, useController, useQueue, useRoute, useSession, useWorkspace } from '../app/context';
import { routeHref } from '../lib/router';
import { ConnectionBanner } from './ConnectionBanner';
import { LiveRegion } from './LiveRegion';
import { AlertControls } from './AlertControls';
import { LanguageSwitch } from './LanguageSwitch';
import { MineList } from './MineList';
import { QueuePage } from '../pages/QueuePage';
import { RequestPage } from '../pages/RequestPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { UpdatesPage } from '../updates/UpdatesPage';
import { FleetPage } from '../fleet/FleetPage';
import { DevicePage } from '../pages/DevicePage';
import { AuditPage } from '../pages/AuditPage';

/** Signed-in layout: header, "my requests" sidebar, the routed page. */
export function Shell() {
  const { t } = useTranslation();
  const controller = useController();
  const route = useRoute();
  const technician = useSession((s) => s.technician);
  const waiting = useQueue((s) => s.requests.filter((r) => r.status === 'waiting').length);
  const mine = useWorkspace((s) => s.mine);
  const mainRef = useRef<HTMLElement>(null);

  // Alt+1…9 jumps to the n-th of my requests: technicians juggle several practices at once.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number.parseInt(e.key, 10);
      if (!Number.isInteger(n) || n < 1 || n > 9) return;
      const target = mine[n - 1];
      if (!target) return;
      e.preventDefault();
      navigate({ name: 'request', id: target.id });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [mine]);

  // The tab title shows the number of waiting requests.
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) ${t('app.title')}` : t('app.title');
  }, [waiting, t]);

  // Route change: move focus to the page so keyboard and screen-reader users land on it.
  const routeKey = route.name === 'request' || route.name === 'device' ? `${route.name}:${route.id}` : route.name;
  useEffect(() => {
    mainRef.current?.focus({ preventScroll: true });
  }, [routeKey]);

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        {t('app.skipToContent')}
      </button>
      <ConnectionBanner />
      <header className="topbar">
        <div className="brand">
          <span className="brand__logo" aria-hidden="true">
            V
          </span>
          <span className="brand__name">{t('app.brand')}</span>
          <span className="brand__sub">{t('app.subtitle')}</span>
        </div>
        <nav className="topnav" aria-label={t('nav.label')}>
          <a href={routeHref({ name: 'queue' })} className="topnav__link" aria-current={route.name === 'queue' ? 'page' : undefined}>
            {t('nav.queue')}
            {waiting > 0 ? (
              <span className="count-badge" aria-label={t('queue.waitingCount', { count: waiting })}>
                {waiting}
              </span>
            ) : null}
          </a>
          <a
            href={routeHref({ name: 'fleet' })}
            className="topnav__link"
            aria-current={route.name === 'fleet' || route.name === 'device' ? 'page' : undefined}
          >
            {t('fleet.nav')}
          </a>
          {technician?.role === 'supervisor' || technician?.role === 'admin' ? (
            <a href={routeHref({ name: 'audit' })} className="topnav__link" aria-current={route.name === 'audit' ? 'page' : undefined}>
              {t('audit.nav')}
            </a>
          ) : null}
          {technician?.role === 'admin' ? (
            <a href={routeHref({ name: 'updates' })} className="topnav__link" aria-current={route.name === 'updates' ? 'page' : undefined}>
              {t('updates.nav')}
            </a>
          ) : null}
        </nav>
        <div className="topbar__tools">
          <AlertControls />
          <LanguageSwitch compact />
          <span className="user" title={technician?.login}>
            <span className="user__initials" aria-hidden="true">
              {technician?.initials}
            </span>
            <span className="visually-hidden">{t('user.signedInAs', { name: technician?.displayName ?? '' })}</span>
            <span aria-hidden="true">{technician?.displayName}</span>
          </span>
          <button type="button" className="btn btn--ghost btn--compact" onClick={() => void controller.logout()}>
            {t('user.logout')}
          </button>
        </div>
      </header>
      <div className="layout">
        <aside className="sidebar">
          <MineList activeId={route.name === 'request' ? route.id : null} />
        </aside>
        <main id="main" ref={mainRef} tabIndex={-1} className="main">
          {route.name === 'queue' ? (
            <QueuePage />
          ) : route.name === 'fleet' ? (
            <FleetPage />
          ) : route.name === 'request' ? (
            <RequestPage key={route.id} requestId={route.id} />
          ) : route.name === 'device' ? (
            <DevicePage key={route.id} deviceId={route.id} />
          ) : route.name === 'audit' ? (
            <AuditPage />
          ) : route.name === 'updates' ? (
            <UpdatesPage />
          ) : (
            <NotFoundPage />
          )}
        </main>
      </div>
      <LiveRegion />
    </div>
  );
}

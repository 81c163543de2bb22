import { lazy, Suspense, useState, type ComponentType, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppState } from '@vigie/common';
import { BackupPanel } from '../backup/BackupPanel.js';
import { HealthPanel } from '../health/HealthPanel.js';
import { Support } from './Support.js';

// Past interventions are a later tab, never the first screen: their code loads when the tab opens.
const InterventionsPanel = lazy(() => import('../receipts/InterventionsPanel.js').then((m) => ({ default: m.InterventionsPanel })));

/**
 * The app's sections. "Sécurité" and "Sauvegardes" plug in here as further entries (label key,
 * panel, availability); with a single section no tab bar is drawn.
 */
export interface TabDef {
  id: string;
  labelKey: string;
  Panel: ComponentType<{ app: AppState }>;
  available?: (app: AppState) => boolean;
}

export const TABS: TabDef[] = [
  { id: 'help', labelKey: 'tabs.help', Panel: Support },
  { id: 'security', labelKey: 'tabs.security', Panel: HealthPanel },
  { id: 'backups', labelKey: 'tabs.backups', Panel: BackupPanel },
  { id: 'interventions', labelKey: 'interventions.tab', Panel: InterventionsPanel },
];

/**
 * `header`: what stays with the tab bar at the top of the window while the page scrolls (the
 * screen-sharing consent and banner): right below the tabs, never over them.
 */
export function Tabs({ app, tabs = TABS, header = null }: { app: AppState; tabs?: TabDef[]; header?: ReactNode }) {
  const { t } = useTranslation();
  const visible = tabs.filter((tab) => tab.available?.(app) ?? true);
  const [active, setActive] = useState(visible[0]?.id ?? '');
  const current = visible.find((tab) => tab.id === active) ?? visible[0];
  if (!current) return null;
  if (visible.length === 1)
    return (
      <>
        {header ? <div className="tabs-head">{header}</div> : null}
        <Suspense fallback={null}>
          <current.Panel app={app} />
        </Suspense>
      </>
    );

  const onKeyDown = (e: KeyboardEvent) => {
    const i = visible.findIndex((tab) => tab.id === current.id);
    const next =
      e.key === 'ArrowRight'
        ? visible[(i + 1) % visible.length]
        : e.key === 'ArrowLeft'
          ? visible[(i - 1 + visible.length) % visible.length]
          : null;
    if (!next) return;
    e.preventDefault();
    setActive(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };

  return (
    <>
      <div className="tabs-head">
        <div role="tablist" aria-label={t('tabs.label')} className="tabs" onKeyDown={onKeyDown}>
          {visible.map((tab) => (
            <button
              key={tab.id}
              id={`tab-${tab.id}`}
              role="tab"
              type="button"
              aria-selected={tab.id === current.id}
              aria-controls={`panel-${tab.id}`}
              tabIndex={tab.id === current.id ? 0 : -1}
              onClick={() => setActive(tab.id)}
            >
              {t(tab.labelKey)}
            </button>
          ))}
        </div>
        {header}
      </div>
      <div role="tabpanel" id={`panel-${current.id}`} aria-labelledby={`tab-${current.id}`}>
        <Suspense fallback={null}>
          <current.Panel app={app} />
        </Suspense>
      </div>
    </>
  );
}

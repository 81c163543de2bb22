import { useTranslation } from 'react-i18next';
import { useWorkspace } from '../app/context';
import { routeHref } from '../lib/router';
import { unreadCount } from '../lib/chat';
import type { WorkspaceState } from '../stores/workspace';

function unreadOf(s: WorkspaceState, requestId: string): number {
  const c = s.conversations[requestId];
  if (!c) return 0;
  return unreadCount(c.messages, Math.max(c.receipts?.technician.read ?? 0, s.localRead[requestId] ?? 0));
}

/** "Mes demandes": quick switching between my open requests, with unread counts. */
export function MineList({ activeId }: { activeId: string | null }) {
  const { t } = useTranslation();
  const mine = useWorkspace((s) => s.mine);
  // Primitive-array selector: re-render only when a count changes.
  const counts = useWorkspace((s) => s.mine.map((m) => unreadOf(s, m.id)).join(','));
  const unread = counts ? counts.split(',').map(Number) : [];
  return (
    <nav aria-labelledby="mine-title" className="mine">
      <h2 id="mine-title" className="mine__title">
        {t('mine.title')} <span className="mine__count">({mine.length})</span>
      </h2>
      {mine.length === 0 ? (
        <p className="muted">{t('mine.empty')}</p>
      ) : (
        <ul className="mine__list">
          {mine.map((r, i) => {
            const n = unread[i] ?? 0;
            return (
              <li key={r.id}>
                <a
                  className={`mine__item${r.id === activeId ? ' mine__item--active' : ''}`}
                  href={routeHref({ name: 'request', id: r.id })}
                  aria-current={r.id === activeId ? 'page' : undefined}
                  aria-keyshortcuts={i < 9 ? `Alt+${i + 1}` : undefined}
                  data-request-id={r.id}
                >
                  <span className="mine__practice">{r.practiceName}</span>
                  <span className="mine__device">{r.deviceName}</span>
                  {r.topic ? <span className="mine__topic">{t(`topics.${r.topic}`)}</span> : null}
                  {n > 0 ? (
                    <span className="unread-badge" data-testid="unread">
                      <span aria-hidden="true">{n}</span>
                      <span className="visually-hidden">{t('mine.unread', { count: n })}</span>
                    </span>
                  ) : null}
                  {i < 9 ? (
                    <span className="mine__shortcut" aria-hidden="true">
                      {t('mine.shortcut', { n: i + 1 })}
                    </span>
                  ) : null}
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}

import type { SafetyChangeKind, SafetyChanges } from '@vigie/common';
import './SafetyChangeList.css';

/** Texts under `screen.safety` of the UI's i18next (SAFETY_STRINGS in @vigie/common). */
type T = (key: string, vars?: Record<string, unknown>) => string;

const KINDS: readonly SafetyChangeKind[] = ['deleted', 'changed', 'added'];

/**
 * What changed in the practice's folders during an intervention, as both UIs show it (the
 * practitioner's app and the console see the same list): by kind, deleted and changed first, a
 * folder added or deleted once with what was inside.
 */
export function SafetyChangeList({ changes, t, className }: { changes: SafetyChanges; t: T; className: string }) {
  const total = changes.counts.added + changes.counts.changed + changes.counts.deleted;
  if (total === 0) return <p data-testid="safety-changes-none">{t('screen.safety.none')}</p>;
  return (
    <div className={className} data-testid="safety-changes">
      {KINDS.map((kind) =>
        changes.counts[kind] === 0 ? null : (
          <section key={kind} data-kind={kind}>
            <h3>{t('screen.safety.kindCount', { kind: t(`screen.safety.kinds.${kind}`), count: changes.counts[kind] })}</h3>
            <ul>
              {changes.items
                .filter((c) => c.kind === kind)
                .map((c) => (
                  <li key={c.path}>
                    <span className="safety-path">{c.localPath}</span>
                    {c.type === 'dir' && c.inside > 0 ? (
                      <span className="safety-inside"> {t('screen.safety.inside', { count: c.inside })}</span>
                    ) : null}
                  </li>
                ))}
            </ul>
          </section>
        ),
      )}
      {changes.truncated ? <p className="safety-truncated">{t('screen.safety.truncated', { count: changes.items.length })}</p> : null}
    </div>
  );
}

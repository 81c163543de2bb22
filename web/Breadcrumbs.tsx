/** A breadcrumb trail for browsing a backup's folders: every crumb but the last is a button. */
export interface Crumb<P> {
  path: P;
  label: string;
}

export function Breadcrumbs<P>(props: {
  crumbs: readonly Crumb<P>[];
  label: string;
  onPick: (path: P) => void;
  navClassName: string;
  buttonClassName: string;
}) {
  const { crumbs } = props;
  if (crumbs.length === 0) return null;
  return (
    <nav aria-label={props.label} className={props.navClassName}>
      <ol>
        {crumbs.map((c, i) => (
          <li key={`${String(c.path ?? '')}:${i}`}>
            {i === crumbs.length - 1 ? (
              <span aria-current="location">{c.label}</span>
            ) : (
              <button type="button" className={props.buttonClassName} onClick={() => props.onPick(c.path)}>
                {c.label}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

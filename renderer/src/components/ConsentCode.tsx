/**
 * The short code of a consent window (screen sharing, backup access): the one the technician reads
 * out, spelled out for screen readers, under `label`, with what to check (`hint`).
 */
export function ConsentCode({ id, code, label, hint }: { id: string; code: string; label: string; hint: string }) {
  return (
    <div className="screen-consent__code" id={id}>
      <span className="screen-consent__code-label">{label}</span>
      <strong className="screen-code" aria-label={code.split('').join(' ')}>
        {code}
      </strong>
      <span className="hint">{hint}</span>
    </div>
  );
}

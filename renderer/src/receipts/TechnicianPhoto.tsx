import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from '../store.js';
import './receipts.css';

/**
 * The technician's photo on the consent window, beside their verified name: asked from the hub
 * for this screen session only (the hub gives it for a session live on this computer). The
 * initials stay while there is none, or when it cannot be had.
 */
export function TechnicianPhoto({ sessionId, name, initials }: { sessionId: string; name: string; initials: string }) {
  const { t } = useTranslation();
  const api = useStore((s) => s.api);
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSrc(null);
    if (!api?.interventions) return;
    api.interventions.technicianPhoto({ sessionId }).then(
      (r) => {
        if (live && r.ok && r.data.dataUrl?.startsWith('data:image/')) setSrc(r.data.dataUrl);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, sessionId]);
  if (!src)
    return (
      <span className="screen-avatar" aria-hidden="true">
        {initials}
      </span>
    );
  return (
    <img
      className="screen-avatar screen-avatar--photo"
      src={src}
      alt={t('interventions.photoAlt', { name })}
      data-testid="technician-photo"
    />
  );
}

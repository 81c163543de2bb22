import { useEffect, useState } from 'react';
import { useUi } from '../app/context';

/** Polite announcements for screen readers (queue arrivals, messages elsewhere) and visible toasts. */
export function LiveRegion() {
  const announcement = useUi((s) => s.announcement);
  const toast = useUi((s) => s.toast);
  const [visibleToast, setVisibleToast] = useState<{ id: number; text: string } | null>(null);

  useEffect(() => {
    if (!toast) return;
    setVisibleToast(toast);
    const timer = setTimeout(() => setVisibleToast((v) => (v?.id === toast.id ? null : v)), 6000);
    return () => clearTimeout(timer);
  }, [toast]);

  return (
    <>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement?.text ?? ''}
      </div>
      <div className="toast-slot" role="status" aria-live="polite">
        {visibleToast ? (
          <div className="toast" key={visibleToast.id}>
            {visibleToast.text}
          </div>
        ) : null}
      </div>
    </>
  );
}

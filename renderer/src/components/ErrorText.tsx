import { useTranslation } from 'react-i18next';
import { useStore, type Action } from '../store.js';

/** The last error of `action`, in plain words (errors.<CODE>), announced to screen readers. */
export function ErrorText({ action }: { action: Action }) {
  const { t } = useTranslation();
  const error = useStore((s) => (s.error?.action === action ? s.error.body : null));
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {t(`errors.${error.code}`, { defaultValue: t('errors.INTERNAL') })}
    </p>
  );
}

import { useTranslation } from 'react-i18next';
import { routeHref } from '../lib/router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('notFound.title')}</h1>
      <a className="btn btn--ghost" href={routeHref({ name: 'queue' })}>
        {t('notFound.back')}
      </a>
    </section>
  );
}

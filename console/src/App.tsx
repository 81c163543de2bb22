import { useTranslation } from 'react-i18next';
import { useSession } from './app/context';
import { LoginPage } from './pages/LoginPage';
import { Shell } from './components/Shell';

export function App() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  if (status === 'checking')
    return (
      <div className="splash" role="status">
        {t('app.loading')}
      </div>
    );
  if (status === 'anonymous') return <LoginPage />;
  return <Shell />;
}

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorBody } from '@vigie/common';
import { useController, useSession, useUi } from '../app/context';
import { Field } from '../components/Field';
import { LanguageSwitch } from '../components/LanguageSwitch';

/** Milliseconds to wait after LOCKED_OUT, from the hub's details (retryAfterMs or retryAfterSeconds). */
export function lockoutMs(error: ErrorBody): number {
  const d = error.details ?? {};
  if (typeof d.retryAfterMs === 'number' && d.retryAfterMs > 0) return d.retryAfterMs;
  if (typeof d.retryAfterSeconds === 'number' && d.retryAfterSeconds > 0) return d.retryAfterSeconds * 1000;
  return 30_000;
}

export function LoginPage() {
  const { t } = useTranslation();
  const controller = useController();
  const notice = useSession((s) => s.notice);
  const now = useUi((s) => s.now);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [formatError, setFormatError] = useState(false);
  const [lockedUntil, setLockedUntil] = useState(0);
  const loginRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const totpRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    loginRef.current?.focus();
  }, []);

  const lockedSeconds = Math.max(0, Math.ceil((lockedUntil - now) / 1000));
  const locked = lockedSeconds > 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || locked) return;
    setError(null);
    setFormatError(false);
    if (!login.trim()) return loginRef.current?.focus();
    if (!password) return passwordRef.current?.focus();
    const code = totp.replace(/\s/g, '');
    if (code && !/^\d{6}$/.test(code)) {
      setFormatError(true);
      totpRef.current?.focus();
      return;
    }
    setBusy(true);
    const r = await controller.login(login.trim(), password, code || undefined);
    setBusy(false);
    if (r.ok) return;
    setError(r.error);
    setTotp('');
    if (r.error.code === 'LOCKED_OUT') setLockedUntil(Date.now() + lockoutMs(r.error));
    if (r.error.code === 'TOTP_REQUIRED' || r.error.code === 'INVALID_CREDENTIALS') totpRef.current?.focus();
  }

  const errorText = error
    ? error.code === 'LOCKED_OUT'
      ? locked
        ? t('login.lockedWait', { seconds: lockedSeconds })
        : t('login.lockedNow')
      : t(`errors.${error.code}`)
    : formatError
      ? t('login.totpFormat')
      : null;

  return (
    <div className="login">
      <div className="login__lang">
        <LanguageSwitch />
      </div>
      <main className="login__card" aria-labelledby="login-title">
        <div className="brand brand--large">
          <span className="brand__logo" aria-hidden="true">
            V
          </span>
          <span className="brand__name">{t('app.brand')}</span>
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        {notice ? (
          <p className="notice notice--info" role="status">
            {notice === 'sessionEnded' ? t('login.sessionEnded') : t('login.loggedOut')}
          </p>
        ) : null}
        <form onSubmit={(e) => void submit(e)} noValidate className="form">
          <Field id="login" label={t('login.login')}>
            <input
              ref={loginRef}
              id="login"
              name="username"
              autoComplete="username"
              required
              value={login}
              onChange={(e) => setLogin(e.target.value)}
            />
          </Field>
          <Field id="password" label={t('login.password')}>
            <input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <Field id="totp" label={t('login.totp')}>
            <input
              ref={totpRef}
              id="totp"
              name="totp"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9]{6}"
              maxLength={6}
              aria-describedby="totp-hint"
              aria-invalid={formatError || error?.code === 'TOTP_REQUIRED' ? true : undefined}
              className="input--code"
              value={totp}
              onChange={(e) => setTotp(e.target.value.replace(/[^\d]/g, '').slice(0, 6))}
            />
            <p id="totp-hint" className="field__hint">
              {t('login.totpHint')}
            </p>
          </Field>
          <div className="login__error" role="alert" data-testid="login-error">
            {errorText ? <p className="notice notice--error">{errorText}</p> : null}
          </div>
          <button type="submit" className="btn btn--primary btn--large btn--block" disabled={busy || locked}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}

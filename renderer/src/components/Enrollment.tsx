import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollmentState } from '@vigie/common';
import { useStore } from '../store.js';
import { ErrorText } from './ErrorText.js';

/** First run: the practice code; the hub address stays under "Options avancées". */
export function Enrollment({ enrollment }: { enrollment: Extract<EnrollmentState, { status: 'unenrolled' }> }) {
  const { t } = useTranslation();
  const enroll = useStore((s) => s.enroll);
  const busy = useStore((s) => !!s.busy.enroll);
  const [code, setCode] = useState('');
  const [hubUrl, setHubUrl] = useState(enrollment.hubUrl);
  const [deviceName, setDeviceName] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (busy || code.trim().length < 4 || !hubUrl.trim()) return;
    const input: { code: string; hubUrl?: string; deviceName?: string } = { code: code.trim() };
    if (hubUrl.trim() && hubUrl.trim() !== enrollment.hubUrl) input.hubUrl = hubUrl.trim();
    if (deviceName.trim()) input.deviceName = deviceName.trim();
    void enroll(input);
  };

  return (
    <section className="panel enroll" aria-labelledby="enroll-title">
      <h1 id="enroll-title">{t('enroll.title')}</h1>
      <p>{t('enroll.intro')}</p>
      {enrollment.lastError ? (
        <p className="error" role="alert">
          {t(`errors.${enrollment.lastError}`, { defaultValue: t('errors.INTERNAL') })}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <label htmlFor="enroll-code">{t('enroll.code')}</label>
        <input
          id="enroll-code"
          name="code"
          className="code-input"
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={32}
          required
          aria-describedby="enroll-code-hint"
          autoFocus
        />
        <p id="enroll-code-hint" className="hint">
          {t('enroll.codeHint')}
        </p>
        {/* Hidden unless the installer gave no server address. */}
        <details className="advanced" open={!enrollment.hubUrl || undefined}>
          <summary>{t('enroll.advanced')}</summary>
          <label htmlFor="enroll-hub">{t('enroll.hubUrl')}</label>
          <input
            id="enroll-hub"
            name="hubUrl"
            type="url"
            value={hubUrl}
            onChange={(e) => setHubUrl(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="https://"
            required={!enrollment.hubUrl}
          />
          <label htmlFor="enroll-name">{t('enroll.deviceName')}</label>
          <input
            id="enroll-name"
            name="deviceName"
            value={deviceName}
            onChange={(e) => setDeviceName(e.target.value)}
            maxLength={100}
            aria-describedby="enroll-name-hint"
          />
          <p id="enroll-name-hint" className="hint">
            {t('enroll.deviceNameHint')}
          </p>
        </details>
        <ErrorText action="enroll" />
        <button type="submit" className="primary" disabled={busy || code.trim().length < 4 || !hubUrl.trim()}>
          {busy ? t('enroll.submitting') : t('enroll.submit')}
        </button>
      </form>
    </section>
  );
}

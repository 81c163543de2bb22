import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBody, RECEIPTS_API, type ErrorCode, type HelpStatus, type ReceiptFormat } from '@vigie/common';
import { saveFile } from '../lib/download';

const CLOSED: HelpStatus[] = ['resolved', 'cancelled'];

/** The file name the hub gave (Content-Disposition), else a plain one. */
function fileNameOf(res: Response, format: ReceiptFormat): string {
  const m = /filename="([A-Za-z0-9._-]{1,120})"/.exec(res.headers.get('content-disposition') ?? '');
  return m?.[1] ?? `recu-intervention.${format}`;
}

/**
 * « Reçu d'intervention » in the request workspace once the request is closed: downloads the
 * receipt's PDF (in the console's language) or its signed JSON from the hub, which checks this
 * technician may have it (theirs, or a supervisor) and audits the download.
 */
export function ReceiptDownload({ requestId, status }: { requestId: string; status: HelpStatus }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState<ReceiptFormat | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ErrorCode | null>(null);
  if (!CLOSED.includes(status)) return null;

  async function download(format: ReceiptFormat) {
    setBusy(format);
    setError(null);
    setDone(null);
    try {
      const res = await fetch(RECEIPTS_API.file(requestId, format, i18n.language === 'en' ? 'en' : 'fr'), { credentials: 'same-origin' });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
        const parsed = ErrorBody.safeParse(body?.error);
        setError(parsed.success ? parsed.data.code : 'INTERNAL');
        return;
      }
      const name = fileNameOf(res, format);
      saveFile(name, await res.blob());
      setDone(name);
    } catch {
      setError('OFFLINE');
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card receipt-download" aria-labelledby="receipt-title" data-testid="receipt-download">
      <h2 id="receipt-title">{t('receipts.title')}</h2>
      <p className="muted">{t('receipts.intro')}</p>
      <div className="workspace__actions">
        <button type="button" className="btn btn--primary" disabled={busy !== null} onClick={() => void download('pdf')}>
          {busy === 'pdf' ? t('receipts.downloading') : t('receipts.pdf')}
        </button>
        <button type="button" className="btn btn--ghost" disabled={busy !== null} onClick={() => void download('json')}>
          {busy === 'json' ? t('receipts.downloading') : t('receipts.json')}
        </button>
      </div>
      {done ? (
        <p className="muted" role="status">
          {t('receipts.downloaded', { name: done })}
        </p>
      ) : null}
      {error ? (
        <p className="notice notice--error" role="alert">
          {t(`errors.${error}`)}
        </p>
      ) : null}
    </section>
  );
}

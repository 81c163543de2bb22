import type { BackupError, ErrorBody } from '@vigie/common';
import { backupErrorSentences, type Translate } from '../../../web/backup-errors';
import { isConsoleSide } from '../lib/socket';

/**
 * What went wrong with the device's backups, in the console's language — never the sentence the
 * hub or the device wrote: a restore job's error or a call's error by its message key, else its
 * backup reason (web/backup-errors.ts, as the practitioner's app says it), else the hub's reason
 * about an access outside a request, else the code said for the device's backups (`backup.ui.errors`;
 * the generic `errors.<CODE>` when the console itself could not reach the hub). `access`: the error
 * of an access call (ask, end, get), whose reasons come first (« busy » is another technician there).
 */
export function backupErrorText(t: Translate, e: ErrorBody | BackupError, opts: { access?: boolean } = {}): string {
  const reason = 'code' in e && typeof e.details?.reason === 'string' ? e.details.reason : null;
  const refusal =
    reason !== null && t(`backup.ui.access.refusals.${reason}`, { defaultValue: '' }) !== ''
      ? t(`backup.ui.access.refusals.${reason}`)
      : null;
  if (opts.access && refusal) return refusal;
  const codeText = (x: ErrorBody): string => {
    if (refusal) return refusal;
    const forBackups = isConsoleSide(x) ? '' : t(`backup.ui.errors.${x.code}`, { defaultValue: '' });
    return forBackups || t(`errors.${x.code}`, { defaultValue: t('errors.INTERNAL') });
  };
  const { message, nextStep } = backupErrorSentences(t, e, codeText);
  return nextStep ? `${message} ${nextStep}` : message;
}

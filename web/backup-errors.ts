import type { TFunction } from 'i18next';
import type { BackupError, ErrorBody } from '@vigie/common';

/** i18next's `t` of the UI (both UIs pass their own). */
export type Translate = TFunction;

export interface BackupErrorSentences {
  message: string;
  nextStep: string;
}

/**
 * What went wrong with a backup call or a restore job, and what to do, in the UI's language — never
 * the sentence the device or the hub wrote (French): by the message key when there is one (a call's
 * `details.messageKey` or a restore job's `messageKey` alike), else by the backup reason (with the
 * real `details.count` when the error has one), else by `codeText` (the UI's words for a code;
 * `errors.<CODE>` by default).
 */
export function backupErrorSentences(
  t: Translate,
  e: ErrorBody | BackupError,
  codeText: (e: ErrorBody) => string = (x) => t(`errors.${x.code}`, { defaultValue: t('errors.INTERNAL') }),
): BackupErrorSentences {
  const details: Record<string, unknown> = 'code' in e ? (e.details ?? {}) : { reason: e.reason, messageKey: e.messageKey };
  const reason = typeof details.reason === 'string' ? details.reason : null;
  const messageKey = typeof details.messageKey === 'string' ? details.messageKey : null;
  const count = typeof details.count === 'number' ? details.count : null;
  const reasonText = (k: string) => (count === null ? t(k) : t(k, { count }));
  const known = (k: string) => t(k, { defaultValue: '' }) !== '';
  const byKey = messageKey !== null && known(`backup.messages.${messageKey}`);
  const byReason = reason !== null && known(`backup.reasons.${reason}.message`);
  const message = byKey
    ? t(`backup.messages.${messageKey}`)
    : byReason
      ? reasonText(`backup.reasons.${reason}.message`)
      : 'code' in e
        ? codeText(e)
        : t('backup.reasons.unknown.message');
  const nextStep =
    byKey && known(`backup.nextSteps.${messageKey}`)
      ? t(`backup.nextSteps.${messageKey}`)
      : byReason
        ? reasonText(`backup.reasons.${reason}.nextStep`)
        : 'code' in e
          ? ''
          : t('backup.reasons.unknown.nextStep');
  return { message, nextStep };
}

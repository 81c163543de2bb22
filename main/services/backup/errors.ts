import {
  BACKUP_REASON_CODES,
  BACKUP_STRINGS,
  BackupMessageKey,
  BackupReason,
  VigieError,
  type BackupError,
  type Locale,
} from '@vigie/common';

/** Fills {{name}} placeholders. */
export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{{${k}}}`));
}

export function reasonText(reason: BackupReason, vars: Record<string, string | number> = {}, locale: Locale = 'fr') {
  const t = BACKUP_STRINGS[locale].reasons[reason];
  return { message: fill(t.message, vars), nextStep: fill(t.nextStep, vars) };
}

/**
 * The one error type of the project, with the backup reason and next step in its details:
 * `details.reason`, `details.nextStep` (+ anything useful to a technician, never a secret).
 */
export function backupError(
  reason: BackupReason,
  opts: { vars?: Record<string, string | number>; messageKey?: BackupMessageKey; details?: Record<string, unknown> } = {},
): VigieError {
  const text = reasonText(reason, opts.vars);
  const message = opts.messageKey ? BACKUP_STRINGS.fr.messages[opts.messageKey] : text.message;
  const nextSteps: Partial<Record<BackupMessageKey, string>> = BACKUP_STRINGS.fr.nextSteps;
  return new VigieError(BACKUP_REASON_CODES[reason], message, {
    reason,
    nextStep: (opts.messageKey && nextSteps[opts.messageKey]) || text.nextStep,
    ...(opts.messageKey ? { messageKey: opts.messageKey } : {}),
    ...opts.details,
  });
}

/** What went wrong and what to do, in `locale` (a notification's body): by message key when there is one, else by reason. */
export function errorSentence(e: BackupError, locale: Locale): string {
  const t = BACKUP_STRINGS[locale];
  const nextSteps: Partial<Record<BackupMessageKey, string>> = t.nextSteps;
  const message = (e.messageKey && t.messages[e.messageKey]) || t.reasons[e.reason].message;
  const nextStep = (e.messageKey && nextSteps[e.messageKey]) || t.reasons[e.reason].nextStep;
  return `${message} ${nextStep}`;
}

/** The backup reason carried by an error, if any. */
export function reasonOf(e: unknown): BackupReason | null {
  if (!(e instanceof VigieError)) return null;
  const r = BackupReason.safeParse(e.details?.reason);
  return r.success ? r.data : null;
}

/** A BackupError (for statuses and jobs) from anything thrown. */
export function toBackupError(e: unknown, at?: Date): BackupError {
  const reason = reasonOf(e) ?? 'unknown';
  const text = reasonText(reason);
  const message = e instanceof VigieError && reasonOf(e) ? e.message : text.message;
  const nextStep = e instanceof VigieError && typeof e.details?.nextStep === 'string' ? e.details.nextStep : text.nextStep;
  const key = BackupMessageKey.safeParse(e instanceof VigieError ? e.details?.messageKey : undefined);
  return { reason, ...(key.success ? { messageKey: key.data } : {}), message, nextStep, ...(at ? { at: at.toISOString() } : {}) };
}

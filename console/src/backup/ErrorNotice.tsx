import { useTranslation } from 'react-i18next';
import type { BackupError, ErrorBody } from '@vigie/common';
import { backupErrorText } from './errors';

/** A backup error as the technician reads it (`backupErrorText`; `access`: the error of an access call). */
export function BackupErrorNotice({
  error,
  access = false,
  testId,
}: {
  error: ErrorBody | BackupError;
  access?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <p className="notice notice--error" role="alert" data-testid={testId}>
      {backupErrorText(t, error, { access })}
    </p>
  );
}

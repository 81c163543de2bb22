import type { BackupSummary, HealthSummary } from '@vigie/common';
import type { Executor } from '../store/db.js';
import { parseJson } from '../util.js';

/** The device's latest summaries (health, backup) as stored from `device:report`, or null before any. */
export async function loadDeviceReport(
  db: Executor,
  deviceId: string,
): Promise<{ health: HealthSummary | null; backup: BackupSummary | null; reportedAt: string } | null> {
  const row = await db
    .selectFrom('device_reports')
    .select(['health', 'backup', 'reported_at'])
    .where('device_id', '=', deviceId)
    .executeTakeFirst();
  if (!row) return null;
  return { health: parseJson<HealthSummary>(row.health), backup: parseJson<BackupSummary>(row.backup), reportedAt: row.reported_at };
}

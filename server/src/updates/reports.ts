import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  compareSemver,
  parseOrThrow,
  parseSemver,
  UpdateReport,
  type UpdateChannel,
  type UpdatesOverview,
  type VersionCount,
} from '@vigie/common';
import type { UpdatesContext } from './context.js';
import type { UpdatesDatabase } from './schema.js';

/** Update reports kept per device (the newest): a device writes this table, so its history is bounded. */
export const UPDATE_REPORTS_PER_DEVICE = 50;

/** What devices say about their updates, and which versions the fleet runs. */
export class DeviceReports {
  constructor(private readonly ctx: UpdatesContext) {}

  /**
   * How many enrolled (not revoked) devices run each app version, from the hub's devices table
   * (columns read: app_version, os, revoked_at). Newest version first.
   */
  async versionCounts(): Promise<VersionCount[]> {
    const rows = await this.ctx.db
      .selectFrom('devices')
      .select((eb) => ['app_version', 'os', eb.fn.countAll<number>().as('devices')])
      .where('revoked_at', 'is', null)
      .groupBy(['app_version', 'os'])
      .execute();
    const byVersion = (a: string, b: string) => {
      try {
        return compareSemver(b, a);
      } catch {
        return b.localeCompare(a);
      }
    };
    return rows
      .map((r) => ({ appVersion: r.app_version, os: r.os, devices: Number(r.devices) }))
      .sort((a, b) => byVersion(a.appVersion, b.appVersion) || a.os.localeCompare(b.os));
  }

  /**
   * Stores one report from a device (parsed with the contract's UpdateReport first). The version
   * the device says it runs becomes its app version (what versionCounts counts), as device:report does.
   */
  async recordReport(deviceId: string, raw: unknown): Promise<void> {
    const r = parseOrThrow(UpdateReport, raw);
    await this.ctx.db.transaction().execute(async (trx) => {
      await this.insertReport(trx, deviceId, r);
      await this.pruneReports(trx, deviceId);
      if (parseSemver(r.currentVersion)) {
        await trx
          .updateTable('devices')
          .set({ app_version: r.currentVersion })
          .where('id', '=', deviceId)
          .where('app_version', '!=', r.currentVersion)
          .execute();
      }
    });
    if (r.outcome === 'rejected' || r.outcome === 'failed') this.ctx.logger?.warn({ deviceId, ...r }, 'device update failed');
  }

  private async insertReport(trx: Kysely<UpdatesDatabase>, deviceId: string, r: UpdateReport): Promise<void> {
    await trx
      .insertInto('update_reports')
      .values({
        id: randomUUID(),
        device_id: deviceId,
        outcome: r.outcome,
        current_version: r.currentVersion,
        target_version: r.targetVersion,
        channel: r.channel,
        reason: r.reason ?? null,
        message: r.message ?? null,
        attempt: r.attempt ?? null,
        retry_at: r.retryAt ?? null,
        at: r.at,
        received_at: this.ctx.now().toISOString(),
      })
      .execute();
  }

  /** Keeps the newest UPDATE_REPORTS_PER_DEVICE reports of a device. */
  private async pruneReports(trx: Kysely<UpdatesDatabase>, deviceId: string): Promise<void> {
    const keep = trx
      .selectFrom('update_reports')
      .select('id')
      .where('device_id', '=', deviceId)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(UPDATE_REPORTS_PER_DEVICE);
    await trx.deleteFrom('update_reports').where('device_id', '=', deviceId).where('id', 'not in', keep).execute();
  }

  async recentReports(limit = 50): Promise<UpdatesOverview['reports']> {
    const rows = await this.ctx.db.selectFrom('update_reports').selectAll().orderBy('received_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      deviceId: r.device_id,
      outcome: r.outcome as UpdateReport['outcome'],
      currentVersion: r.current_version,
      targetVersion: r.target_version,
      channel: r.channel as UpdateChannel,
      ...(r.reason ? { reason: r.reason as NonNullable<UpdateReport['reason']> } : {}),
      ...(r.message ? { message: r.message } : {}),
      ...(r.attempt ? { attempt: r.attempt } : {}),
      ...(r.retry_at ? { retryAt: r.retry_at } : {}),
      at: r.at,
      receivedAt: r.received_at,
    }));
  }
}

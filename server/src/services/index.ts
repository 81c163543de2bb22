import type { Clock } from '@vigie/common';
import type { HubConfig } from '../config.js';
import type { HubKey } from '../hub-key.js';
import type { AttemptCounter, RateLimiter } from '../limits.js';
import type { Db } from '../store/db.js';
import { AuditLog, type AuditCheckpoint } from './audit.js';
import { AuthService } from './auth.js';
import { ChatService } from './chat.js';
import { DeviceService } from './devices.js';
import { HelpService } from './help.js';
import { sealTotpSecrets } from './totp-vault.js';

export interface Services {
  db: Db;
  audit: AuditLog;
  devices: DeviceService;
  auth: AuthService;
  help: HelpService;
  chat: ChatService;
}

/** Counters shared by the hub's nodes (redis/index.ts); in memory when left out. */
export interface SharedCounters {
  attempts?: AttemptCounter;
  enroll?: RateLimiter;
}

export function createServices(
  db: Db,
  cfg: HubConfig,
  key: HubKey,
  opts: { onCheckpoint?: (cp: AuditCheckpoint) => void; now?: Clock['now']; counters?: SharedCounters } = {},
): Services {
  const audit = new AuditLog(db, key, {
    checkpointFile: cfg.auditCheckpointFile,
    ...(opts.onCheckpoint ? { onCheckpoint: opts.onCheckpoint } : {}),
  });
  const help = new HelpService(db, audit, cfg.eta, opts.now);
  return {
    db,
    audit,
    devices: new DeviceService(db, audit, cfg.enroll, opts.counters?.enroll),
    auth: new AuthService(db, audit, cfg, key, opts.counters?.attempts),
    help,
    chat: new ChatService(db, help),
  };
}

/** Start-up steps that need the hub key (hub and CLI, idempotent): the audit chain's key anchor, TOTP secrets sealed. */
export async function prepareServices(s: Services, key: HubKey): Promise<void> {
  await s.audit.init();
  await sealTotpSecrets(s.db, key);
}

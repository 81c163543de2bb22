import type { HubConfig } from '../config.js';
import type { Db } from '../store/db.js';
import { AuditLog } from './audit.js';
import { AuthService } from './auth.js';
import { ChatService } from './chat.js';
import { DeviceService } from './devices.js';
import { HelpService } from './help.js';

export interface Services {
  db: Db;
  audit: AuditLog;
  devices: DeviceService;
  auth: AuthService;
  help: HelpService;
  chat: ChatService;
}

export function createServices(db: Db, cfg: HubConfig): Services {
  const audit = new AuditLog(db);
  const help = new HelpService(db, audit, cfg.eta);
  return { db, audit, devices: new DeviceService(db, audit), auth: new AuthService(db, audit, cfg), help, chat: new ChatService(db, help) };
}

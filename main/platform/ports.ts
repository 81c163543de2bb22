/**
 * Ports: what the Electron-free services need from the machine. Each port has one Electron adapter
 * (platform/electron/) and one plain-Node adapter (platform/node/); services receive them in their
 * constructor and never know which one they got.
 */
import type { OsFamily } from '@vigie/common';

/** Small secrets (the device token). Electron: safeStorage (OS keychain); Node: a 0600 file. */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Human description of where secrets live ("trousseau du système", "fichier 0600 …"), for logs. */
  readonly kind: string;
}

export interface Notification {
  title: string;
  body: string;
  /** Stable key so a newer notification of the same kind replaces the older one where the OS allows it. */
  tag?: string;
}

/** Native notifications. Electron: Notification; Node: the log. */
export interface Notifier {
  notify(n: Notification): void;
}

/** Start at login. Electron: app.setLoginItemSettings; Node: not available (reports so). */
export interface AutoStart {
  readonly supported: boolean;
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

/** What the machine says about itself, for enrollment and help-request context. */
export interface MachineInfo {
  os: OsFamily;
  osVersion: string;
  model: string;
  hostname: string;
  uptimeSeconds: number;
}

export interface SystemInfo {
  read(): Promise<MachineInfo>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The one logger of the app (JSON lines). */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

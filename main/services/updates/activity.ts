import type { ActivitySnapshot } from './policy.js';
import type { ActivitySource } from './ports.js';

/** What a capability can say it is doing; a flag left out means "not me". */
export type BusyFlags = Partial<Pick<ActivitySnapshot, 'remoteSession' | 'restoreRunning' | 'backupRunning'>>;

/**
 * What is going on in the app, for the updater (never install during a remote session, a restore
 * or a backup, nor while the practitioner uses Vigie). Capabilities register a probe of their own
 * state (screen session, backup service…); every practitioner call through the app's dispatch
 * notes the time of use. Probes are read when the updater asks, so nothing can go stale.
 */
export class ActivityTracker implements ActivitySource {
  private readonly sources = new Set<() => BusyFlags>();
  private lastUse: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds a probe; returns its removal. A probe that throws counts as busy (never install on a doubt). */
  register(probe: () => BusyFlags): () => void {
    const entry = () => probe();
    this.sources.add(entry);
    return () => void this.sources.delete(entry);
  }

  /** The practitioner used Vigie (a call from its windows or the tray menu). */
  noteUse(at: number = this.now()): void {
    if (this.lastUse === null || at > this.lastUse) this.lastUse = at;
  }

  snapshot(): ActivitySnapshot {
    const s: ActivitySnapshot = { remoteSession: false, restoreRunning: false, backupRunning: false, lastAppUseAt: this.lastUse };
    for (const probe of this.sources) {
      let f: BusyFlags;
      try {
        f = probe();
      } catch {
        f = { remoteSession: true, restoreRunning: true, backupRunning: true };
      }
      s.remoteSession ||= f.remoteSession === true;
      s.restoreRunning ||= f.restoreRunning === true;
      s.backupRunning ||= f.backupRunning === true;
    }
    return s;
  }
}

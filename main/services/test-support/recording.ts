/** Test doubles of the app's ports that only record what they are asked (tests only). */
import type { Notification, Notifier } from '../../platform/ports.js';
import type { Shell } from '../backup/ports.js';

/** The Notifier port: keeps every notification shown. */
export class RecordingNotifier implements Notifier {
  readonly seen: Notification[] = [];
  notify(n: Notification): void {
    this.seen.push(n);
  }
}

/** The Shell port: keeps every path the app asked to open (and opens none). */
export class RecordingShell implements Shell {
  readonly opened: string[] = [];
  async openPath(path: string): Promise<string> {
    this.opened.push(path);
    return '';
  }
}

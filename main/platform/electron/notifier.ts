import { Notification as ElectronNotification } from 'electron';
import type { Logger, Notification, Notifier } from '../ports.js';

/** Native notifications; clicking one runs `onClick` (the shell opens the popover). */
export class ElectronNotifier implements Notifier {
  private readonly live = new Map<string, ElectronNotification>();

  constructor(
    private readonly onClick: () => void,
    private readonly logger?: Logger,
  ) {}

  notify(n: Notification): void {
    if (!ElectronNotification.isSupported()) {
      this.logger?.info('notification (not supported here)', { title: n.title });
      return;
    }
    if (n.tag) this.live.get(n.tag)?.close();
    const note = new ElectronNotification({ title: n.title, body: n.body, silent: false });
    note.on('click', () => this.onClick());
    if (n.tag) {
      const tag = n.tag;
      this.live.set(tag, note);
      note.on('close', () => {
        if (this.live.get(tag) === note) this.live.delete(tag);
      });
    }
    note.show();
  }
}

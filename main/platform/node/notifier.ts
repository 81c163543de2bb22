import type { Logger, Notification, Notifier } from '../ports.js';

/** Plain Node has no notification centre: notifications go to the log (the browser host shows them in the page). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}
  notify(n: Notification): void {
    this.logger.info('notification', { title: n.title, body: n.body, tag: n.tag });
  }
}

import type { AutoStart, Logger } from '../ports.js';

/** The browser host is started by hand or by the demo script: start-at-login does not apply. */
export class NodeAutoStart implements AutoStart {
  readonly supported = false;
  constructor(private readonly logger?: Logger) {}
  isEnabled(): boolean {
    return false;
  }
  setEnabled(enabled: boolean): void {
    this.logger?.info('start at login is not available in the browser host', { requested: enabled });
  }
}

import type { UpdateReport } from '@vigie/common';
import type { UpdatesService } from './service.js';

/**
 * The update feed's device events (UPDATE_DEVICE_EVENTS), for the hub's /device namespace. The
 * hub's dispatcher has already parsed the payload with the contract's UpdateReport.
 */
export function updateDeviceHandlers(updates: UpdatesService) {
  return {
    'update:report': async (input: UpdateReport, ctx: { actor: { id: string } }): Promise<Record<string, never>> => {
      await updates.recordReport(ctx.actor.id, input);
      return {};
    },
  };
}

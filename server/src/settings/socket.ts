import { VigieError, type SUPPORT_TECH_EVENTS } from '@vigie/common';
import type { TechActor } from '../services/actors.js';
import type { Handlers } from '../socket/dispatch.js';
import type { Realtime } from '../socket/realtime.js';
import type { SettingsService } from './service.js';

/** `/tech` handlers of the support settings (admins) and of a technician's availability (anyone, for themself). */
export function supportTechHandlers(settings: SettingsService, rt: Realtime): Handlers<typeof SUPPORT_TECH_EVENTS, { actor: TechActor }> {
  return {
    'settings:support': async ({ version, ...change }, { actor }) => {
      if (actor.role !== 'admin') throw new VigieError('FORBIDDEN', 'Réservé aux administrateurs.');
      const record = await settings.updateSupport(change, { type: 'technician', id: actor.id }, version);
      rt.queueChanged(); // practices and consoles hear the new hours and phone at once
      return record;
    },
    'tech:availability': async ({ available }, { actor }) => {
      if (available !== undefined) await rt.setTechAvailable(actor.id, available);
      return { available: rt.isTechAvailable(actor.id) };
    },
  };
}

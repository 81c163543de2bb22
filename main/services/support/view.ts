import type { SupportState } from '@vigie/common';
import { pendingMessages } from './outbox.js';
import { storedMessages } from './receipts.js';
import type { SupportDoc } from './store.js';

/** What the practitioner's help window shows: the request, its chat (stored, then pending), who is typing. */
export function supportView(d: SupportDoc, connection: SupportState['connection'], technicianTyping: boolean): SupportState {
  return {
    connection,
    current: d.current,
    position: d.current?.status === 'waiting' ? d.position : null,
    messages: [...storedMessages(d), ...pendingMessages(d)],
    receipts: d.receipts,
    technicianTyping,
    outboxSize: d.outbox.length,
    lastClosed: d.lastClosed,
    pendingRequest: d.pendingHelp
      ? {
          clientId: d.pendingHelp.clientId,
          topic: d.pendingHelp.topic,
          description: d.pendingHelp.description,
          createdAt: d.pendingHelp.createdAt,
        }
      : null,
  };
}

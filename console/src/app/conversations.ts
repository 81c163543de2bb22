import {
  ChatResync,
  LIMITS,
  err,
  gaplessSeq,
  hasGap,
  mergeMessages,
  mergeReceipts,
  type ChatMessage,
  type HelpRequest,
  type Result,
} from '@vigie/common';
import { pruneOutbox } from '../lib/chat';
import type { TechPushPayload } from '../lib/socket';
import { TypingSignal } from '../lib/typing';
import { emptyConversation, type Conversation } from '../stores/workspace';
import type { FleetController } from '../fleet/controller';
import { isConnected, patchConversation, type ConsoleCore } from './core';
import { ConsoleReceipts } from './receipts';

const TYPING_SHOWN_MS = 8000;

/**
 * The requests this technician works on ("mine") and their conversations: details loaded once,
 * messages merged by seq (a hole asks for a resync, common/chat-sync), receipts (receipts.ts),
 * the typing indicator both ways, device presence and reports.
 */
export class Conversations {
  readonly receipts: ConsoleReceipts;
  readonly resync: ChatResync;
  private readonly typingSignals = new Map<string, TypingSignal>();

  constructor(
    private readonly core: ConsoleCore,
    private readonly fleet: FleetController,
  ) {
    this.receipts = new ConsoleReceipts(core);
    this.resync = new ChatResync({
      fetch: (items) => core.deps.client.request('chat:resync', { items }),
      cursor: (requestId) => gaplessSeq(core.workspace.getState().conversations[requestId]?.messages ?? []),
      apply: (requestId, page) => {
        patchConversation(core, requestId, (conv) => ({
          messages: mergeMessages(conv.messages, page.messages),
          receipts: mergeReceipts(conv.receipts, page.receipts),
        }));
        this.afterMessages(requestId);
      },
      log: (message, details) => core.deps.log.debug(message, details),
    });
  }

  /** Signed out, or the console stops: no typing signal, receipt or resync outlives it. */
  stop(): void {
    for (const s of this.typingSignals.values()) s.stop();
    this.typingSignals.clear();
    this.receipts.stop();
    this.receipts.clear();
    this.resync.stop();
  }

  /** After (re)connection: every conversation at once (batched calls), each from the last message held without a gap. */
  resyncAll(): Promise<boolean> {
    const ws = this.core.workspace.getState();
    this.resync.resume();
    this.resync.want([...ws.mine.map((m) => m.id), ...Object.keys(ws.conversations)]);
    return this.resync.run();
  }

  setMine(list: HelpRequest[]): void {
    const mine = list.filter((r) => r.status === 'assigned').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    this.core.workspace.setState((s) => {
      const conversations = { ...s.conversations };
      for (const r of mine) conversations[r.id] = { ...(conversations[r.id] ?? emptyConversation(r.id)), request: r };
      return { mine, conversations };
    });
  }

  /** Taken by this technician (help:accept answered). */
  taken(r: HelpRequest): void {
    this.upsertMine(r);
    patchConversation(this.core, r.id, () => ({ request: r }));
  }

  private upsertMine(r: HelpRequest): void {
    this.core.workspace.setState((s) => {
      const others = s.mine.filter((m) => m.id !== r.id);
      const mine = r.status === 'assigned' ? [...others, r].sort((a, b) => a.createdAt.localeCompare(b.createdAt)) : others;
      return { mine };
    });
  }

  /** A request changed (push or answer): still mine or not, its conversation updated. */
  updated(r: HelpRequest): void {
    const { core } = this;
    const me = core.session.getState().technician?.id;
    if (r.status === 'assigned' && r.technician?.id === me) this.upsertMine(r);
    else core.workspace.setState((s) => ({ mine: s.mine.filter((m) => m.id !== r.id) }));
    if (core.workspace.getState().conversations[r.id]) patchConversation(core, r.id, () => ({ request: r }));
  }

  /** Shows a request: loads details and history the first time. */
  async open(requestId: string): Promise<void> {
    this.core.workspace.setState((s) => ({
      activeId: requestId,
      conversations: s.conversations[requestId] ? s.conversations : { ...s.conversations, [requestId]: emptyConversation(requestId) },
    }));
    const c = this.core.workspace.getState().conversations[requestId];
    if (c && c.detail !== 'ready' && c.detail !== 'loading') await this.loadDetail(requestId);
  }

  close(requestId: string): void {
    this.typingSignals.get(requestId)?.stop();
    if (this.core.workspace.getState().activeId === requestId) this.core.workspace.setState({ activeId: null });
  }

  /** After hello: the request on screen gets its details if it has none yet. */
  async reloadActive(): Promise<void> {
    const active = this.core.workspace.getState().activeId;
    if (active && this.core.workspace.getState().conversations[active]?.detail !== 'ready') await this.loadDetail(active);
  }

  private async loadDetail(requestId: string): Promise<void> {
    const { core } = this;
    if (!isConnected(core)) return; // hello() loads it once connected
    patchConversation(core, requestId, () => ({ detail: 'loading', error: null }));
    const r = await core.deps.client.request('help:get', { requestId });
    if (!r.ok) {
      patchConversation(core, requestId, () => ({ detail: 'error', error: r.error.code }));
      return;
    }
    const { request, device, messages, receipts } = r.data;
    this.fleet.seedHealth(device.id, r.data.healthReport);
    const latest = r.data.deviceReport;
    // The device's latest summaries (backup, health) show at once, not only after its next report.
    if (latest)
      core.workspace.setState((s) =>
        s.reports[device.id] && s.reports[device.id]!.reportedAt >= latest.reportedAt
          ? {}
          : { reports: { ...s.reports, [device.id]: latest } },
      );
    this.mergeInto(requestId, messages, {
      request,
      device,
      receipts: mergeReceipts(core.workspace.getState().conversations[requestId]?.receipts ?? null, receipts),
      detail: 'ready',
      error: null,
    });
  }

  /** Adds messages to a conversation; a hole before the newest one asks for a resync of that conversation. */
  mergeInto(requestId: string, messages: readonly ChatMessage[], patch: Partial<Conversation> = {}): void {
    patchConversation(this.core, requestId, (c) => ({ ...patch, messages: mergeMessages(c.messages, messages) }));
    const held = this.core.workspace.getState().conversations[requestId]?.messages ?? [];
    if (hasGap(held)) this.resync.request([requestId]);
    this.afterMessages(requestId);
  }

  /** After messages arrived: drop what the hub stored from the outbox, acknowledge delivery, maybe read. */
  private afterMessages(requestId: string): void {
    this.core.workspace.setState((s) => {
      const c = s.conversations[requestId];
      return c ? { outbox: pruneOutbox(s.outbox, c.messages) } : {};
    });
    this.receipts.want(requestId);
    if (this.core.workspace.getState().activeId === requestId) void this.receipts.markRead(requestId);
  }

  /** A message pushed by the hub: merged; a practitioner's new one rings, is announced and notified when unseen. */
  message(m: ChatMessage): void {
    const { core } = this;
    const { deps } = core;
    const s = core.workspace.getState();
    const known = s.conversations[m.requestId];
    const before = known?.messages.length ?? 0;
    this.mergeInto(m.requestId, [m], m.author === 'device' ? { typing: null } : {});
    const after = core.workspace.getState().conversations[m.requestId]?.messages.length ?? 0;
    if (after === before || m.author !== 'device') return;
    const attentive = s.activeId === m.requestId && deps.hasAttention();
    if (attentive) return; // the chat log (role="log") announces it
    const t = deps.i18n.t.bind(deps.i18n);
    const practice = known?.request?.practiceName ?? s.mine.find((r) => r.id === m.requestId)?.practiceName ?? '';
    if (core.ui.getState().soundEnabled) deps.alerts.chime('message');
    core.announce(t('alerts.announceMessage', { name: m.authorName, practice }));
    if (!deps.hasAttention())
      deps.alerts.notify(t('alerts.newMessageTitle', { practice }), m.text.slice(0, 140), `chat-${m.requestId}`, () =>
        deps.navigate({ name: 'request', id: m.requestId }),
      );
  }

  /** The practitioner is typing (or stopped). */
  practitionerTyping(p: TechPushPayload<'chat:typing'>): void {
    patchConversation(this.core, p.requestId, () => ({
      typing: p.typing ? { name: p.name, until: this.core.clock.now() + TYPING_SHOWN_MS } : null,
    }));
  }

  /** The message box changed: throttled "typing" signal to the practice. */
  typing(requestId: string, active: boolean): void {
    let signal = this.typingSignals.get(requestId);
    if (!signal) {
      const { clock } = this.core;
      signal = new TypingSignal({ send: (typing) => void this.core.deps.client.request('chat:typing', { requestId, typing }), clock });
      this.typingSignals.set(requestId, signal);
    }
    if (active) signal.input();
    else signal.stop();
  }

  /** A message was sent: "typing" ends with it. */
  typingDone(requestId: string): void {
    this.typingSignals.get(requestId)?.stop();
  }

  /** Closes a request with the resolution note the practice will read. */
  async resolve(requestId: string, note: string): Promise<Result<HelpRequest>> {
    const trimmed = note.trim();
    if (!trimmed) return err('BAD_REQUEST', 'Note requise.');
    return this.core.deps.client.request('help:resolve', { requestId, note: trimmed.slice(0, LIMITS.resolutionNote) });
  }

  presence(deviceId: string, online: boolean): void {
    this.core.workspace.setState((s) => {
      let changed = false;
      const conversations: Record<string, Conversation> = {};
      for (const [id, c] of Object.entries(s.conversations)) {
        if (c.device?.id === deviceId && c.device.online !== online) {
          conversations[id] = { ...c, device: { ...c.device, online } };
          changed = true;
        } else conversations[id] = c;
      }
      return changed ? { conversations } : {};
    });
  }

  report(p: TechPushPayload<'device:report'>): void {
    this.core.workspace.setState((s) => ({
      reports: { ...s.reports, [p.deviceId]: { health: p.health, backup: p.backup, reportedAt: p.reportedAt } },
    }));
  }
}

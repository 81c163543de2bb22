import type { z } from 'zod';
import {
  MODIFIER_KEY_CODES,
  SCREEN_LIMITS,
  VigieError,
  isModifierKey,
  type DeviceDataMessage,
  type DisplayInfo,
  type InputEvent,
  type PointerButton,
  type TechDataMessage,
} from '@vigie/common';
import type { Logger } from '../../platform/ports.js';
import type { InputInjector } from './ports.js';

export type DropReason = 'not-live' | 'not-controlling' | 'invalid' | 'outside' | 'too-large' | 'unsupported' | 'overflow' | 'failed';

export interface InputPumpOptions {
  injector: InputInjector;
  log: Logger;
  /** Pending input events kept while the injector is busy; pointer moves coalesce. */
  maxQueue: number;
  /** Control is granted right now (asked again just before each injection). */
  controlling(): boolean;
  /** The shared monitor input maps to. */
  display(): DisplayInfo | null;
}

/**
 * The technician's input on its way to the InputInjector: one at a time, in order, pointer moves
 * coalesced, checked again at the last moment (control may have been withdrawn meanwhile: events of
 * an older control generation are dropped), keys and buttons held when control ends released, a
 * modifier whose key-up was lost released; clipboard get/set only while controlling. A key other
 * than a modifier is typed (pressed and released at once, its key-up then has nothing left to do):
 * never held, so the practice's system cannot repeat it however late the key-up comes
 * (isModifierKey, @vigie/common). Every event that does not reach the screen is counted by reason.
 */
export class InputPump {
  /** Bumped whenever control starts or stops, or the shared monitor changes: queued events of an older generation are dropped. */
  private gen = 0;
  private queue: Array<{ ev: InputEvent; gen: number }> = [];
  private draining = false;
  private readonly heldKeys = new Set<string>();
  private readonly heldButtons = new Set<PointerButton>();
  private lastPointer: { x: number; y: number } = { x: 0.5, y: 0.5 };
  private injectedCount = 0;
  private readonly drops: Record<DropReason, number> = {
    'not-live': 0,
    'not-controlling': 0,
    invalid: 0,
    outside: 0,
    'too-large': 0,
    unsupported: 0,
    overflow: 0,
    failed: 0,
  };
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: InputPumpOptions) {}

  /** A new session: counters from zero. */
  reset(): void {
    this.injectedCount = 0;
    for (const k of Object.keys(this.drops) as DropReason[]) this.drops[k] = 0;
  }

  /** Control starts or stops, or the monitor changes: what is queued dies with the old generation. */
  nextGeneration(): void {
    this.gen++;
  }

  dropCounts(): Readonly<Record<DropReason, number>> {
    return { ...this.drops };
  }

  get injected(): number {
    return this.injectedCount;
  }

  get dropped(): number {
    return Object.values(this.drops).reduce((a, b) => a + b, 0);
  }

  drop(reason: DropReason): null {
    this.drops[reason]++;
    return null;
  }

  /** Resolves once every queued input event has been injected or dropped (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  enqueue(ev: InputEvent): void {
    if (!this.o.controlling()) {
      this.drop('not-controlling');
      return;
    }
    const last = this.queue[this.queue.length - 1];
    if (ev.t === 'pointer.move' && last?.ev.t === 'pointer.move' && last.gen === this.gen) {
      last.ev = ev; // coalesce: only the latest position matters
      return;
    }
    if (this.queue.length >= this.o.maxQueue) {
      this.drop('overflow');
      return;
    }
    this.queue.push({ ev, gen: this.gen });
    if (!this.draining) void this.drain();
  }

  /** Keys and buttons still held are released on the shared monitor (control ended, or the monitor changes). */
  async releaseHeld(): Promise<void> {
    const display = this.o.display();
    if (!display) return;
    const keys = [...this.heldKeys];
    const buttons = [...this.heldButtons];
    this.heldKeys.clear();
    this.heldButtons.clear();
    const none = { alt: false, ctrl: false, meta: false, shift: false };
    try {
      for (const code of keys) await this.o.injector.inject({ t: 'key.up', code, mods: none }, display);
      for (const button of buttons) await this.o.injector.inject({ t: 'pointer.up', button, ...this.lastPointer }, display);
    } catch (e) {
      this.o.log.warn('could not release held keys', { err: e });
    }
  }

  async clipboard(m: Extract<z.infer<typeof TechDataMessage>, { t: 'clipboard.get' | 'clipboard.set' }>): Promise<DeviceDataMessage> {
    if (!this.o.controlling()) {
      this.drop('not-controlling');
      return { t: 'clipboard.error', id: m.id, code: 'FORBIDDEN' };
    }
    try {
      if (m.t === 'clipboard.set') {
        await this.o.injector.writeClipboard(m.text);
        return { t: 'clipboard.ok', id: m.id };
      }
      const text = await this.o.injector.readClipboard();
      if (text.length > SCREEN_LIMITS.clipboardChars) return { t: 'clipboard.error', id: m.id, code: 'BAD_REQUEST' };
      // Control may have been withdrawn while reading: nothing leaves then.
      if (!this.o.controlling()) return { t: 'clipboard.error', id: m.id, code: 'FORBIDDEN' };
      return { t: 'clipboard.text', id: m.id, text };
    } catch (e) {
      this.o.log.warn('clipboard access failed', { err: e });
      return { t: 'clipboard.error', id: m.id, code: e instanceof VigieError ? e.code : 'UNAVAILABLE' };
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const { ev, gen } = this.queue.shift()!;
        // Checked again at the last moment: control may have been withdrawn meanwhile.
        const display = this.o.display();
        if (gen !== this.gen || !this.o.controlling() || !display) {
          this.drop('not-controlling');
          continue;
        }
        await this.injectOne(ev, display);
      }
    } finally {
      this.draining = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async injectOne(ev: InputEvent, display: DisplayInfo): Promise<void> {
    try {
      if (ev.t === 'key.down' || ev.t === 'key.up') await this.releaseStuckModifiers(ev.mods, display, ev.code);
      if (ev.t === 'key.up' && !isModifierKey(ev.code) && !this.heldKeys.has(ev.code)) {
        this.injectedCount++; // released when it was typed
        return;
      }
      const r = await this.o.injector.inject(ev, display);
      if (r === 'unsupported') {
        this.drop('unsupported');
        return;
      }
      this.injectedCount++;
      if (ev.t === 'key.down') {
        this.heldKeys.add(ev.code);
        if (!isModifierKey(ev.code)) {
          // Typed: released at once (held until then, so control ending meanwhile still releases it).
          await this.o.injector.inject({ t: 'key.up', code: ev.code, mods: ev.mods }, display);
          this.heldKeys.delete(ev.code);
        }
      } else if (ev.t === 'key.up') this.heldKeys.delete(ev.code);
      else if (ev.t === 'pointer.down') this.heldButtons.add(ev.button);
      else if (ev.t === 'pointer.up') this.heldButtons.delete(ev.button);
      if ('x' in ev) this.lastPointer = { x: ev.x, y: ev.y };
    } catch (e) {
      this.drop('failed');
      this.o.log.warn('input injection failed', { t: ev.t, err: e });
    }
  }

  /** A modifier the technician no longer holds (key-up lost when their window lost focus) is released. */
  private async releaseStuckModifiers(
    mods: Record<'alt' | 'ctrl' | 'meta' | 'shift', boolean>,
    display: DisplayInfo,
    current: string,
  ): Promise<void> {
    for (const [mod, codes] of Object.entries(MODIFIER_KEY_CODES) as Array<[keyof typeof MODIFIER_KEY_CODES, readonly string[]]>) {
      if (mods[mod]) continue;
      for (const code of codes) {
        // The modifier's own key-up (it reports the modifier as no longer held) is not a lost one.
        if (!this.heldKeys.has(code) || code === current) continue;
        this.heldKeys.delete(code);
        await this.o.injector.inject({ t: 'key.up', code, mods }, display);
      }
    }
  }
}

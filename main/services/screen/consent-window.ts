import { VigieError, type DisplayInfo, type ScreenKind } from '@vigie/common';
import type { Clock } from '@vigie/common';

/** A consent shown to the practitioner: which one, until when, on which monitors. */
export type Pending = {
  sessionId: string;
  kind: ScreenKind;
  expiresAt: number;
  displays: DisplayInfo[];
  inputAvailable: boolean;
  cancelTimer: () => void;
  /** Set once an answer (grant, refuse, timeout) is on its way: later answers are ignored. */
  answered: boolean;
  /** A view consent asked again during a live session: the technician wants another monitor. */
  switching?: { index: number; displayId: string };
};

/**
 * The consent's 30 s: a shown consent refuses itself when nobody answers in time (`onTimeout`,
 * once, only if it is still the one shown and unanswered), an answer marks it answered, an answer
 * that could not be taken (unknown monitor, safety backup failed) shows it again with its deadline.
 */
export class ConsentWindows {
  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** The consent on screen now. */
    private readonly shown: () => Pending | null,
    private readonly onTimeout: (p: Pending) => void,
  ) {}

  open(sessionId: string, kind: ScreenKind, displays: DisplayInfo[], inputAvailable: boolean): Pending {
    const p: Pending = {
      sessionId,
      kind,
      expiresAt: this.clock.now() + this.timeoutMs,
      displays,
      inputAvailable,
      cancelTimer: () => undefined,
      answered: false,
    };
    this.arm(p);
    return p;
  }

  /** The same consent again, unanswered, until its own deadline. */
  showAgain(p: Pending): void {
    p.answered = false;
    this.arm(p);
  }

  /** The pending consent of `sessionId`, marked answered; CONFLICT when there is none or it expired (then it times out). */
  take(sessionId: string): Pending {
    const p = this.shown();
    if (!p || p.sessionId !== sessionId || p.answered) throw new VigieError('CONFLICT', 'Aucune demande en attente.');
    p.answered = true;
    p.cancelTimer();
    if (this.clock.now() >= p.expiresAt) {
      this.onTimeout(p);
      throw new VigieError('CONFLICT', 'La demande a expiré.');
    }
    return p;
  }

  private arm(p: Pending): void {
    p.cancelTimer();
    const left = Math.max(0, p.expiresAt - this.clock.now());
    const timer = this.clock.setTimeout(() => {
      if (this.shown() !== p || p.answered) return;
      p.answered = true;
      this.onTimeout(p);
    }, left);
    p.cancelTimer = () => this.clock.clearTimeout(timer);
  }
}

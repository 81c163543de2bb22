import type { NotificationPermissionState } from '../stores/ui';

/**
 * Sound and system notifications. The tone is synthesised with WebAudio (no asset); the audio
 * context is unlocked on the first user gesture, as browsers require. Notification permission is
 * only ever asked from a button.
 */
export interface Alerts {
  /** Listens for the first click/key to unlock audio; returns the cleanup. */
  install(): () => void;
  chime(kind: 'request' | 'message'): void;
  permission(): NotificationPermissionState;
  requestPermission(): Promise<NotificationPermissionState>;
  /** Shows a system notification when allowed; `onClick` focuses the console. */
  notify(title: string, body: string, tag: string, onClick?: () => void): void;
}

type AudioCtor = typeof AudioContext;

export function createAlerts(win: Window & typeof globalThis = window): Alerts {
  let ctx: AudioContext | null = null;
  const Ctor: AudioCtor | undefined = win.AudioContext ?? (win as unknown as { webkitAudioContext?: AudioCtor }).webkitAudioContext;

  const audio = (): AudioContext | null => {
    if (!Ctor) return null;
    if (!ctx) {
      try {
        ctx = new Ctor();
      } catch {
        return null;
      }
    }
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    return ctx;
  };

  const tone = (ac: AudioContext, freq: number, start: number, duration: number) => {
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(freq, start);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
    osc.connect(gain).connect(ac.destination);
    osc.start(start);
    osc.stop(start + duration + 0.02);
  };

  return {
    install() {
      const unlock = () => {
        audio();
        win.removeEventListener('pointerdown', unlock);
        win.removeEventListener('keydown', unlock);
      };
      win.addEventListener('pointerdown', unlock);
      win.addEventListener('keydown', unlock);
      return () => {
        win.removeEventListener('pointerdown', unlock);
        win.removeEventListener('keydown', unlock);
        void ctx?.close().catch(() => undefined);
        ctx = null;
      };
    },
    chime(kind) {
      const ac = audio();
      if (!ac || ac.state !== 'running') return;
      const t = ac.currentTime + 0.01;
      if (kind === 'request') {
        // Two rising notes: noticeable, not alarming.
        tone(ac, 660, t, 0.18);
        tone(ac, 880, t + 0.2, 0.28);
      } else {
        tone(ac, 740, t, 0.15);
      }
    },
    permission() {
      return 'Notification' in win ? win.Notification.permission : 'unsupported';
    },
    async requestPermission() {
      if (!('Notification' in win)) return 'unsupported';
      try {
        return await win.Notification.requestPermission();
      } catch {
        return win.Notification.permission;
      }
    },
    notify(title, body, tag, onClick) {
      if (!('Notification' in win) || win.Notification.permission !== 'granted') return;
      try {
        const n = new win.Notification(title, { body, tag, icon: '/favicon.svg' });
        n.onclick = () => {
          win.focus();
          onClick?.();
          n.close();
        };
      } catch {
        // Some platforms only allow notifications from a service worker: the in-page alert remains.
      }
    },
  };
}

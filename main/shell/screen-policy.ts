import type { DisplayInfo } from '@vigie/common';

/** The screen capture the session service allows right now (null: none). */
export interface CaptureGate {
  canCapture(): boolean;
  captureTarget(): { sessionId: string; display: DisplayInfo | null } | null;
}

/** What desktopCapturer lists (the fields used here). */
export interface ScreenSourceLike {
  id: string;
  display_id: string;
  name: string;
}

/**
 * The capture source for the consented screen: the source of that display, or the only screen
 * there is when the display is unknown; null when the choice would be a guess (several screens,
 * none matching) — the capture is then refused rather than showing another screen.
 */
export function pickScreenSource<S extends ScreenSourceLike>(sources: S[], display: DisplayInfo | null): S | null {
  const screens = sources.filter((s) => s.id.startsWith('screen:'));
  if (display) {
    const match = screens.find((s) => s.display_id !== '' && s.display_id === display.id);
    if (match) return match;
  }
  return screens.length === 1 ? screens[0]! : null;
}

/** The session banner: centred at the top of the shared screen's work area. */
export function bannerBounds(
  workArea: { x: number; y: number; width: number; height: number },
  size: { width: number; height: number },
): { x: number; y: number; width: number; height: number } {
  const width = Math.min(size.width, workArea.width);
  return { x: Math.round(workArea.x + (workArea.width - width) / 2), y: workArea.y + 8, width, height: size.height };
}

/** The consent window: centred on the work area. */
export function centredBounds(
  workArea: { x: number; y: number; width: number; height: number },
  size: { width: number; height: number },
): { x: number; y: number; width: number; height: number } {
  const width = Math.min(size.width, workArea.width);
  const height = Math.min(size.height, workArea.height);
  return {
    x: Math.round(workArea.x + (workArea.width - width) / 2),
    y: Math.round(workArea.y + (workArea.height - height) / 2),
    width,
    height,
  };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where the popover goes: next to the tray icon, on the side of the screen the taskbar/menu bar
 * is on, kept inside the work area. Works for a top menu bar (macOS), a bottom taskbar (Windows
 * default) and side taskbars.
 */
export function popoverPosition(tray: Rect, size: { width: number; height: number }, workArea: Rect, margin = 6): { x: number; y: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(v, Math.max(lo, hi)));
  const trayCenterX = tray.x + tray.width / 2;
  const trayCenterY = tray.y + tray.height / 2;
  const waRight = workArea.x + workArea.width;
  const waBottom = workArea.y + workArea.height;
  let x: number;
  let y: number;
  if (tray.width <= 0 || tray.height <= 0) {
    // No bounds (some Linux trays): bottom-right corner.
    x = waRight - size.width - margin;
    y = waBottom - size.height - margin;
  } else if (tray.y + tray.height <= workArea.y + margin) {
    // Menu bar / taskbar at the top.
    x = trayCenterX - size.width / 2;
    y = workArea.y + margin;
  } else if (tray.y >= waBottom - margin) {
    // Taskbar at the bottom.
    x = trayCenterX - size.width / 2;
    y = waBottom - size.height - margin;
  } else if (tray.x >= waRight - margin) {
    // Taskbar on the right.
    x = waRight - size.width - margin;
    y = trayCenterY - size.height / 2;
  } else if (tray.x + tray.width <= workArea.x + margin) {
    // Taskbar on the left.
    x = workArea.x + margin;
    y = trayCenterY - size.height / 2;
  } else {
    // Icon inside the work area (auto-hidden taskbar): open towards the screen's centre.
    x = trayCenterX - size.width / 2;
    y = trayCenterY > workArea.y + workArea.height / 2 ? tray.y - size.height - margin : tray.y + tray.height + margin;
  }
  return {
    x: Math.round(clamp(x, workArea.x + margin, waRight - size.width - margin)),
    y: Math.round(clamp(y, workArea.y + margin, waBottom - size.height - margin)),
  };
}

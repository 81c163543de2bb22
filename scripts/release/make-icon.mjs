#!/usr/bin/env node
// Draws Vigie's application icon (build/icon.png, 1024×1024): a watchful eye on a teal rounded
// square. electron-builder derives the macOS .icns and the Windows .ico from it. Plain Node, no
// dependencies; rerun after changing the drawing: `node scripts/release/make-icon.mjs`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng, rasterise } from '../png.mjs';

const SIZE = 1024;
const SS = 4; // supersampling per axis for smooth edges

const inRoundedRect = (x, y, m, r) => {
  const lo = m + r;
  const hi = SIZE - m - r;
  const cx = Math.min(Math.max(x, lo), hi);
  const cy = Math.min(Math.max(y, lo), hi);
  return x >= m && x <= SIZE - m && y >= m && y <= SIZE - m && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const inCircle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
// Eye: the lens between two circles, 600 px wide and 340 px tall.
const W = 300;
const H = 170;
const R = (W * W + H * H) / (2 * H);
const D = R - H;
const inEye = (x, y) => inCircle(x, y, 512, 512 + D, R) && inCircle(x, y, 512, 512 - D, R);

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const TOP = [27, 127, 140];
const BOTTOM = [14, 77, 92];
const IRIS = [19, 111, 126];
const PUPIL = [11, 52, 64];
const WHITE = [255, 255, 255];

function colourAt(x, y) {
  if (!inRoundedRect(x, y, 64, 185)) return null;
  if (inCircle(x, y, 548, 474, 24)) return WHITE; // highlight
  if (inCircle(x, y, 512, 512, 56)) return PUPIL;
  if (inCircle(x, y, 512, 512, 124)) return IRIS;
  if (inEye(x, y)) return WHITE;
  return mix(TOP, BOTTOM, (y - 64) / (SIZE - 128));
}

const png = encodePng(SIZE, rasterise(SIZE, SS, colourAt));
const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'icon.png');
writeFileSync(out, png);
process.stdout.write(`wrote ${out} (${png.length} bytes)\n`);

#!/usr/bin/env node
// Generates the tray icons (assets/tray/) with the tiny PNG encoder of png.mjs: no image library, no network.
// Per state (idle / requested / connected / offline): a coloured icon for Windows/Linux at 16 px
// and 32 px (@2x), and a black-and-alpha "Template" image for the macOS menu bar, whose shape
// alone tells the state (colour is never the only signal); plus, per state, one variant per
// security-health colour (green / orange / red), see healthLayers.
//   node scripts/make-icons.mjs            writes the files
//   node scripts/make-icons.mjs --check    fails when the committed files differ from the output
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng, rasterise } from './png.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'tray');

// ---------- shapes in unit coordinates (0..1), as "inside?" predicates ----------
const disc = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r1, r2) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d <= r2 * r2 && d >= r1 * r1;
};
/** A thick line segment from (x1,y1) to (x2,y2). */
const bar = (x1, y1, x2, y2, w) => (x, y) => {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return (x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2 <= (w / 2) ** 2;
};
const not = (f) => (x, y) => !f(x, y);
const and =
  (...fs) =>
  (x, y) =>
    fs.every((f) => f(x, y));
const or =
  (...fs) =>
  (x, y) =>
    fs.some((f) => f(x, y));

// The Vigie mark: a watchful eye (ring + pupil), offset to leave room for a badge top-right.
// Offline: the eye is closed (no pupil) and struck through.
const C = 0.46;
const eyeRing = ring(C, 0.54, 0.27, 0.41);
const eye = or(eyeRing, disc(C, 0.54, 0.13));
const BADGE = { x: 0.79, y: 0.21, r: 0.19 };
const badge = disc(BADGE.x, BADGE.y, BADGE.r);
const badgeGap = disc(BADGE.x, BADGE.y, BADGE.r + 0.08);
const slash = bar(0.12, 0.9, 0.86, 0.16, 0.13);
const slashGap = bar(0.12, 0.9, 0.86, 0.16, 0.27);
const check = or(bar(0.69, 0.2, 0.77, 0.29, 0.09), bar(0.77, 0.29, 0.9, 0.12, 0.09));

/**
 * Each state as layers [shape, colour]; later layers paint over earlier ones.
 * Template variants use black only: the shape difference carries the meaning.
 */
const STATES = {
  idle: {
    colour: [[eye, [31, 95, 191]]],
    template: [[eye, [0, 0, 0]]],
  },
  requested: {
    colour: [
      [and(eye, not(badgeGap)), [31, 95, 191]],
      [badge, [224, 138, 0]],
    ],
    template: [[or(and(eye, not(badgeGap)), badge), [0, 0, 0]]],
  },
  connected: {
    colour: [
      [and(eye, not(badgeGap)), [30, 125, 69]],
      [badge, [30, 125, 69]],
      [check, [255, 255, 255]],
    ],
    template: [[and(or(and(eye, not(badgeGap)), badge), not(check)), [0, 0, 0]]],
  },
  offline: {
    colour: [
      [and(eyeRing, not(slashGap)), [120, 128, 140]],
      [slash, [179, 38, 30]],
    ],
    template: [[or(and(eyeRing, not(slashGap)), slash), [0, 0, 0]]],
  },
};

/**
 * Health variants (`tray-<state>-<colour>.png`): the eye takes the colour of the worst security
 * status (green / orange / red, see trayColour in common/src/health.ts); the state marks keep their
 * shape in neutral colours so they never read as a health colour. Orange and red idle icons also
 * carry an exclamation badge: the shape says "something to look at", not the colour alone.
 * macOS shows these coloured images for orange and red, and its template images when all is green.
 */
const HEALTH = { green: [30, 125, 69], orange: [196, 106, 0], red: [179, 38, 30] };
const BLUE = [31, 95, 191];
const GREY = [90, 98, 110];
const exclamation = or(bar(BADGE.x, 0.085, BADGE.x, 0.235, 0.075), disc(BADGE.x, 0.315, 0.045));
function healthLayers(state, colour) {
  const c = HEALTH[colour];
  switch (state) {
    case 'idle':
      return colour === 'green'
        ? [[eye, c]]
        : [
            [and(eye, not(badgeGap)), c],
            [badge, c],
            [exclamation, [255, 255, 255]],
          ];
    case 'requested':
      return [
        [and(eye, not(badgeGap)), c],
        [badge, BLUE],
      ];
    case 'connected':
      return [
        [and(eye, not(badgeGap)), c],
        [badge, BLUE],
        [check, [255, 255, 255]],
      ];
    case 'offline':
      return [
        [and(eyeRing, not(slashGap)), c],
        [slash, GREY],
      ];
  }
  throw new Error(`unknown state ${state}`);
}

/** Rasterises layers (unit coordinates, the last layer hit on top) with 8×8 supersampling. */
function render(size, layers) {
  return rasterise(size, 8, (x, y) => {
    let hit = null;
    for (const [shape, colour] of layers) if (shape(x / size, y / size)) hit = colour;
    return hit;
  });
}

function files() {
  const out = [];
  for (const [state, v] of Object.entries(STATES)) {
    for (const [scale, size] of [
      ['', 16],
      ['@2x', 32],
    ]) {
      out.push([`tray-${state}${scale}.png`, encodePng(size, render(size, v.colour))]);
      out.push([`tray-${state}Template${scale}.png`, encodePng(size, render(size, v.template))]);
      for (const colour of Object.keys(HEALTH))
        out.push([`tray-${state}-${colour}${scale}.png`, encodePng(size, render(size, healthLayers(state, colour)))]);
    }
  }
  return out;
}

const checkOnly = process.argv.includes('--check');
mkdirSync(OUT, { recursive: true });
let stale = 0;
for (const [name, png] of files()) {
  const path = join(OUT, name);
  if (checkOnly) {
    if (!existsSync(path) || !readFileSync(path).equals(png)) {
      process.stderr.write(`stale: ${path}\n`);
      stale++;
    }
  } else writeFileSync(path, png);
}
if (checkOnly && stale) process.exit(1);
process.stdout.write(checkOnly ? 'tray icons up to date\n' : `tray icons written to ${OUT}\n`);

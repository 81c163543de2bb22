/**
 * Run as a child process by input-nutjs.test.ts: asks the nut-js injector for availability and
 * tries one injection with whatever DISPLAY the parent gave, then prints what happened. Without a
 * usable X display it must answer UNAVAILABLE, never load nut-js, and exit normally.
 */
import { VigieError } from '@vigie/common';
import { createLogger } from '../../services/lib/logger.js';
import { NutInjector } from './input-nutjs.js';

let loaded = false;
const injector = new NutInjector({
  logger: createLogger({ level: 'silent' }),
  load: async () => {
    loaded = true;
    return import('@nut-tree-fork/nut-js');
  },
});
const availability = await injector.availability();
let injectError: string | null = null;
try {
  await injector.inject(
    { t: 'pointer.move', x: 0.5, y: 0.5 },
    { id: 'screen-0', label: 'Écran', bounds: { x: 0, y: 0, width: 800, height: 600 }, scaleFactor: 1, primary: true },
  );
} catch (e) {
  injectError = e instanceof VigieError ? e.code : String(e);
}
process.stdout.write(JSON.stringify({ availability, loaded, injectError }) + '\n');

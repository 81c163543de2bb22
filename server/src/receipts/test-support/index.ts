/** Helpers for tests of receipts and technician photos. Imported by tests only. */
import { encodePng } from '../../../../scripts/png.mjs';

/** A real size×size PNG (RGB, a plain gradient), written by scripts/png.mjs: what an administrator gives to `user photo`. */
export function pngPhoto(size = 64, rgb: [number, number, number] = [30, 90, 160]): Buffer {
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) pixels.set([rgb[0], (rgb[1] + x) % 256, (rgb[2] + y) % 256], (y * size + x) * 3);
  return encodePng(size, pixels, 3);
}

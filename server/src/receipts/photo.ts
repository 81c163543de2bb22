import { TECHNICIAN_PHOTO_LIMITS, VigieError } from '@vigie/common';

export type PhotoMime = 'image/jpeg' | 'image/png';
export interface PhotoInfo {
  mime: PhotoMime;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG (its IHDR chunk, which must come first). */
function pngSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Width and height of a JPEG (its first start-of-frame marker), walking the segments with bounds checked. */
function jpegSize(b: Buffer): { width: number; height: number } | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame header
    if (marker >= 0xd0 && marker <= 0xd7) {
      i += 2;
      continue;
    }
    const len = b.readUInt16BE(i + 2);
    if (len < 2 || i + 2 + len > b.length) return null;
    const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) {
      if (len < 7) return null;
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  return null;
}

/**
 * Checks a technician photo before it is stored: a JPEG or PNG (by its bytes, never its name), at
 * most TECHNICIAN_PHOTO_LIMITS.maxBytes, between minPixels and maxPixels on each side. Whether the
 * PDF library can draw it is checked by the service on top (it embeds it once).
 */
export function inspectPhoto(bytes: Buffer): PhotoInfo {
  const { maxBytes, minPixels, maxPixels } = TECHNICIAN_PHOTO_LIMITS;
  if (bytes.length === 0) throw new VigieError('BAD_REQUEST', 'The photo file is empty.');
  if (bytes.length > maxBytes)
    throw new VigieError(
      'BAD_REQUEST',
      `The photo is too large (${bytes.length} bytes; at most ${maxBytes}): make it smaller (e.g. 400×400 JPEG).`,
    );
  const png = pngSize(bytes);
  const jpeg = png ? null : jpegSize(bytes);
  const size = png ?? jpeg;
  if (!size) throw new VigieError('BAD_REQUEST', 'The photo must be a JPEG or PNG image.');
  if (size.width < minPixels || size.height < minPixels || size.width > maxPixels || size.height > maxPixels) {
    throw new VigieError(
      'BAD_REQUEST',
      `The photo must be between ${minPixels} and ${maxPixels} pixels on each side (this one is ${size.width}×${size.height}).`,
    );
  }
  return { mime: png ? 'image/png' : 'image/jpeg', ...size };
}

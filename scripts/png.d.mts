/** A size×size image, `channels` bytes a pixel (4: RGBA, 3: RGB), rows top to bottom → PNG bytes. */
export function encodePng(size: number, pixels: Uint8Array, channels?: 3 | 4): Buffer;

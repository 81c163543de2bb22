/** A size×size image, `channels` bytes a pixel (4: RGBA, 3: RGB), rows top to bottom → PNG bytes. */
export function encodePng(size: number, pixels: Uint8Array, channels?: 3 | 4): Buffer;
/** A size×size RGBA image drawn with samples×samples supersampling from the colour at each point (pixel units), null where nothing. */
export function rasterise(
  size: number,
  samples: number,
  colourAt: (x: number, y: number) => readonly number[] | null | undefined,
): Uint8Array;

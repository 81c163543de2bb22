import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { MIDDLE_FROM_BYTES, SAMPLE_BYTES, type FileSample } from './signals.js';

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Reads a few KB of one file: its first SAMPLE_BYTES, and SAMPLE_BYTES from its middle when it is
 * large — never the whole file. Null when it is not a regular file (gone, a folder, a link: links
 * are never followed), or cannot be read (locked by its application, no permission).
 */
export async function sampleFile(path: string): Promise<FileSample | null> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return null;
    const headLen = Math.min(SAMPLE_BYTES, st.size);
    const head = Buffer.alloc(headLen);
    const { bytesRead } = headLen > 0 ? await fh.read(head, 0, headLen, 0) : { bytesRead: 0 };
    const sample: FileSample = { size: st.size, head: head.subarray(0, bytesRead) };
    if (st.size >= MIDDLE_FROM_BYTES) {
      const middle = Buffer.alloc(SAMPLE_BYTES);
      const r = await fh.read(middle, 0, SAMPLE_BYTES, Math.floor(st.size / 2));
      sample.middle = middle.subarray(0, r.bytesRead);
    }
    return sample;
  } catch {
    return null;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

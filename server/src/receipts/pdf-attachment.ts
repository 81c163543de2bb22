import { inflateSync } from 'node:zlib';

/** Largest attachment read back (a receipt's JSON is far smaller). */
const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;

/**
 * The embedded files (`/Type /EmbeddedFile` streams) of a PDF, decompressed: enough to read back
 * the receipt JSON the hub attached to its own PDFs (direct `/Length`, no filter or FlateDecode).
 * Anything else (an indirect length, another filter, a stream that does not inflate) is skipped:
 * `receipt verify` then says the PDF holds no receipt data. Never throws on any input.
 */
export function embeddedFiles(pdf: Buffer): Buffer[] {
  const text = pdf.toString('latin1');
  const found: Buffer[] = [];
  const marker = /\/Type\s*\/EmbeddedFile\b/g;
  for (let m = marker.exec(text); m && found.length < 16; m = marker.exec(text)) {
    const objStart = text.lastIndexOf(' obj', m.index);
    const streamAt = text.indexOf('stream', m.index);
    if (objStart < 0 || streamAt < 0 || streamAt - objStart > 4096) continue;
    const dict = text.slice(objStart, streamAt);
    const length = /\/Length\s+(\d{1,9})(?!\s+\d+\s+R)/.exec(dict);
    if (!length) continue;
    const filter = /\/Filter\s*\/(\w+)/.exec(dict)?.[1] ?? null;
    if (filter !== null && filter !== 'FlateDecode') continue;
    let start = streamAt + 'stream'.length;
    if (text[start] === '\r') start++;
    if (text[start] !== '\n') continue;
    start++;
    const len = Number(length[1]);
    if (start + len > pdf.length) continue;
    const raw = pdf.subarray(start, start + len);
    try {
      found.push(filter ? inflateSync(raw, { maxOutputLength: MAX_ATTACHMENT_BYTES }) : Buffer.from(raw));
    } catch {
      // not a stream that inflates: skipped
    }
  }
  return found;
}

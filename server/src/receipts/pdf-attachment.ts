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
  // Bounded work whatever the file: at most 64 markers looked at, each within 4 KiB of its object's start.
  let seen = 0;
  for (let m = marker.exec(text); m && found.length < 16 && seen < 64; m = marker.exec(text)) {
    seen++;
    const from = Math.max(0, m.index - 4096);
    const back = text.slice(from, m.index).lastIndexOf(' obj');
    const objStart = back < 0 ? -1 : from + back;
    const ahead = text.slice(m.index, m.index + 4096).indexOf('stream');
    const streamAt = ahead < 0 ? -1 : m.index + ahead;
    if (objStart < 0 || streamAt < 0) continue;
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

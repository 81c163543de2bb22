/**
 * Receipt PDFs drawn in one worker thread shared by the process (pdf-thread.mjs): pdfkit and the
 * embedded fonts' layout take a hundred milliseconds or more of CPU per PDF, which on the hub's
 * own thread would hold every socket event queued behind a resolve. Same function, same bytes
 * (pdf.ts); the thread starts at the first receipt, and holds the process open only while it draws.
 */
import { Worker } from 'node:worker_threads';
import type { PdfOptions } from './pdf.js';

interface Pending {
  resolve: (pdf: Buffer) => void;
  reject: (e: Error) => void;
}
type Reply = { id: number; pdf: Uint8Array } | { id: number; error: string };

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

function failAll(e: Error): void {
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

function thread(): Worker {
  if (worker) return worker;
  // Its own loader (pdf-thread.mjs registers tsx): not the parent's flags, which differ under the test runner.
  const w = new Worker(new URL('./pdf-thread.mjs', import.meta.url), { execArgv: [] });
  w.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if ('error' in m) p.reject(new Error(`receipt PDF: ${m.error}`));
    else p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
    if (pending.size === 0) w.unref();
  });
  w.on('error', (e) => {
    if (worker === w) worker = null;
    failAll(e);
  });
  w.on('exit', (code) => {
    if (worker === w) worker = null;
    failAll(new Error(`receipt PDF thread stopped (${code})`));
  });
  worker = w;
  return w;
}

/**
 * Draws the receipt whose signed JSON is `json` in the PDF thread; resolves with the PDF's bytes
 * (exactly renderReceiptPdf's for JSON.parse(json)). Only the string crosses threads — one copy,
 * where the receipt as an object would be cloned field by field on the hub's thread — and the
 * photo in a buffer of its own, moved rather than copied.
 */
export function renderReceiptPdfOffThread(json: string, options: PdfOptions): Promise<Buffer> {
  const w = thread();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    const photo = options.photo ? new Uint8Array(options.photo) : null;
    w.postMessage({ id, json, options: { ...options, photo } }, photo ? [photo.buffer] : []);
  });
}

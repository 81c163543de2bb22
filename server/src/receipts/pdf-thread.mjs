/**
 * The worker thread that draws receipt PDFs (pdf-renderer.ts), so a resolve never holds the hub's
 * event loop for the hundred milliseconds or more a PDF takes. Plain JavaScript: it registers the
 * TypeScript loader (tsx, which runs the hub) before loading pdf.ts.
 */
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { renderReceiptPdf } = await import('./pdf.ts');

parentPort.on('message', (job) => {
  const { id, json, options } = job;
  const receipt = JSON.parse(json);
  const photo = options.photo ? Buffer.from(options.photo.buffer, options.photo.byteOffset, options.photo.byteLength) : null;
  renderReceiptPdf(receipt, json, { ...options, photo }).then(
    (pdf) => parentPort.postMessage({ id, pdf }),
    (e) => parentPort.postMessage({ id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});

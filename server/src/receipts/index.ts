/**
 * Intervention receipts (issue 12, part 3): a signed record of every intervention, as JSON and PDF,
 * for the practice's register of who accessed its machines. Wiring:
 *
 *   await migrateReceipts(db);
 *   const receipts = createReceiptService({ db, audit, key, timeZone, onError });
 *   registerReceiptRoutes(app, { services, receipts });     // console downloads, public key
 *   // /device: receiptDeviceHandlers(receipts); help:resolve → receipts.issueInBackground(id)
 *   // cli.ts: receipt … / user photo … → runReceiptsCommand(args, ctx)
 */
export { migrateReceipts, receiptsMigrations, RECEIPTS_MIGRATION_TABLE, RECEIPTS_MIGRATION_LOCK_TABLE } from './schema.js';
export type { ReceiptsTables, ReceiptTable, ReceiptDocumentTable, TechnicianPhotoTable } from './schema.js';
export { ReceiptService, createReceiptService, receiptDigest, signingMessage, RECEIPT_LOCALES } from './service.js';
export type { ReceiptServiceOptions, IssuedReceipt, RequestFacts } from './service.js';
export { verifyReceiptFile, signatureHolds, MAX_RECEIPT_FILE_BYTES } from './verify.js';
export type { VerifyReport } from './verify.js';
export { runReceiptsCommand, RECEIPTS_CLI_HELP } from './cli.js';
export { registerReceiptRoutes } from './routes.js';
export { receiptDeviceHandlers, noReceiptDeviceHandlers } from './socket.js';
export { embeddedFiles } from './pdf-attachment.js';

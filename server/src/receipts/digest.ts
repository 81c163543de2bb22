/**
 * The digests a receipt is known by: its own (the canonical JSON, what the `receipt.issued` entry
 * records), the message the hub signs, and the SHA-256 of stored bytes. Shared by issuing, downloads
 * and `receipt verify`.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../util.js';

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The receipt's own digest (whitespace-free): what the `receipt.issued` entry records. */
export const receiptDigest = (receipt: unknown): string => sha256(canonicalJson(receipt));

/** The message the hub signs: the canonical JSON of the receipt without its signature. */
export function signingMessage(receipt: Record<string, unknown>): string {
  const { signature: _signature, ...body } = receipt;
  return canonicalJson(body);
}

/**
 * `receipt verify <file>`: is this receipt (the PDF or its JSON) exactly what this hub issued, and
 * does it still agree with the audit chain? Every check is made on the file itself, against the
 * hub key and the keyed chain; the receipt tables of the data folder are never trusted for it.
 */
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { InterventionReceipt, RECEIPT_FORMAT, type InterventionReceiptBody } from '@vigie/common';
import type { HubKey } from '../hub-key.js';
import type { AuditLog } from '../services/audit.js';
import type { Db } from '../store/db.js';
import { canonicalJson } from '../util.js';
import { chainFacts, chainView, collectRows, type AuditRow } from './facts.js';
import { embeddedFiles } from './pdf-attachment.js';
import type { ReceiptsDb } from './schema.js';
import { receiptDigest, signingMessage, type ReceiptService } from './service.js';

/** Files larger than this are not receipts. */
export const MAX_RECEIPT_FILE_BYTES = 32 * 1024 * 1024;

export interface VerifyReport {
  /** True only when every check held. */
  ok: boolean;
  kind: 'pdf' | 'json' | 'unknown';
  /** What the receipt says it is about (when it could be read). */
  receipt: {
    id: string;
    version: number;
    requestId: string;
    practice: string;
    device: string;
    technician: string | null;
    issuedAt: string;
    entries: number;
  } | null;
  /** Checks that held, in order. */
  passed: string[];
  /** The first check that failed (why the receipt cannot be trusted). */
  failure: string | null;
  /** Worth knowing without failing (a newer version exists). */
  notes: string[];
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Checks an Ed25519 signature with a raw public key (what a third party does with `receipt key`). */
export function signatureHolds(publicKeyRaw: Buffer, message: string, signatureB64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKeyRaw]), format: 'der', type: 'spki' });
    return verifySignature(null, Buffer.from(message, 'utf8'), key, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

export interface VerifyDeps {
  db: Db;
  audit: AuditLog;
  key: HubKey;
  receipts: ReceiptService;
}

export async function verifyReceiptFile(
  bytes: Buffer,
  deps: VerifyDeps,
  opts: { practice?: { id: string; name: string } } = {},
): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, kind: 'unknown', receipt: null, passed: [], failure: null, notes: [] };
  const fail = (why: string) => ({ ...report, failure: why });
  if (bytes.length > MAX_RECEIPT_FILE_BYTES) return fail('the file is too large to be a Vigie receipt');

  // 1. The receipt's data: the file itself (JSON), or the JSON attached to the PDF.
  let text: string;
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    report.kind = 'pdf';
    const candidates = embeddedFiles(bytes)
      .map((b) => b.toString('utf8'))
      .filter((s) => s.includes(RECEIPT_FORMAT));
    if (candidates.length === 0) return fail('this PDF holds no Vigie receipt data (the attached JSON is missing or was altered)');
    if (new Set(candidates).size > 1) return fail('this PDF holds several different receipt data files: it was altered');
    text = candidates[0]!;
  } else {
    report.kind = 'json';
    text = bytes.toString('utf8');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(
      report.kind === 'pdf'
        ? 'the receipt data attached to this PDF is not readable JSON: it was altered'
        : 'this file is neither a Vigie receipt PDF nor its JSON',
    );
  }
  const parsed = InterventionReceipt.safeParse(raw);
  if (!parsed.success || !raw || typeof raw !== 'object' || Array.isArray(raw)) {
    const issue = parsed.success ? null : parsed.error.issues[0];
    return fail(
      `not a Vigie intervention receipt, or its data was altered${issue ? ` (${issue.path.join('.') || 'root'}: ${issue.message})` : ''}`,
    );
  }
  const r = parsed.data;
  report.receipt = {
    id: r.id,
    version: r.version,
    requestId: r.request.id,
    practice: r.practice.name,
    device: r.device.name,
    technician: r.technician?.displayName ?? null,
    issuedAt: r.issuedAt,
    entries: r.audit.entries.length,
  };

  // 2. The signature, over the data exactly as it is in the file (any added, removed or changed field breaks it).
  const k = deps.key.receipts;
  if (
    r.signature.keyId !== k.id ||
    r.hub.receiptKeyId !== k.id ||
    r.hub.publicKey !== k.publicKey.toString('base64') ||
    r.hub.keyId !== deps.key.id
  ) {
    return fail(`signed with another hub's key (receipt key ${r.signature.keyId}, this hub's is ${k.id}): not issued by this hub`);
  }
  let message: string;
  try {
    message = signingMessage(raw as Record<string, unknown>);
  } catch {
    return fail('ALTERED: the receipt data does not match its signature'); // nested beyond reason: not what the hub wrote
  }
  if (!signatureHolds(k.publicKey, message, r.signature.value)) return fail('ALTERED: the receipt data does not match its signature');
  report.passed.push(`signature (Ed25519, receipt key ${k.id})`);

  if (opts.practice && r.practice.id !== opts.practice.id)
    return fail(`this receipt is about another practice (« ${r.practice.name} »), not « ${opts.practice.name} »`);

  // 3. The chain it stands on holds (keyed MACs, links, head, signed checkpoints).
  const chain = await deps.audit.verify();
  if (!chain.ok)
    return fail(
      `the audit chain itself does not hold (${chain.reason ?? 'broken'}${chain.brokenAt ? ` at entry ${chain.brokenAt}` : ''}): run "audit verify"`,
    );
  const db = deps.db as unknown as ReceiptsDb;
  const rowAt = async (seq: number) => db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirst();
  for (const e of r.audit.entries) {
    const row = await rowAt(e.seq);
    if (
      !row ||
      row.hash !== e.hash ||
      row.action !== e.action ||
      row.at !== e.at ||
      row.actor_type !== e.actorType ||
      row.actor_id !== e.actorId
    ) {
      return fail(`ALTERED: audit entry ${e.seq} listed by the receipt is not the chain's`);
    }
  }
  report.passed.push(`${r.audit.entries.length} audit entries are the chain's (same hashes)`);
  const cp = r.audit.checkpoint;
  const cpRow = await rowAt(cp.seq);
  const maxSeq = r.audit.entries.reduce((m, e) => Math.max(m, e.seq), 0);
  if (!deps.audit.checkpointSigned(cp) || !cpRow || cpRow.hash !== cp.hash || cp.seq < maxSeq || cp.seq < r.audit.toSeq) {
    return fail("ALTERED: the receipt's checkpoint is not a checkpoint of this chain signed by the hub key, or does not cover its entries");
  }
  report.passed.push(`checkpoint of entry ${cp.seq} signed by the hub key (${cp.keyId}) and on the chain`);

  // 4. Recomputed from the chain: the entries about the request up to `toSeq` and what they say.
  const req = await deps.receipts.requestFacts(r.request.id);
  if (!req || req.deviceId !== r.device.id || req.practiceId !== r.practice.id)
    return fail("ALTERED: the request, device or practice named by the receipt is not the hub's");
  const { rows, logins } = await collectRows(db, req, r.audit.toSeq);
  const recomputed = chainFacts(rows, logins);
  const mine = chainView({ ...r, entries: r.audit.entries });
  const theirs = chainView(recomputed);
  for (const part of Object.keys(theirs) as Array<keyof typeof theirs>) {
    if (canonicalJson(mine[part]) !== canonicalJson(theirs[part]))
      return fail(`ALTERED: its ${part} differ from what the audit chain records about this request`);
  }
  if (!sameIdentities(r, recomputed.logins)) return fail("ALTERED: the technicians' verified logins differ from the audit chain");
  report.passed.push('recomputed from the audit chain: same entries, consents, control periods, restores, backup reads and safety events');

  // 5. Issued by this hub: its `receipt.issued` entry names this receipt's digest (and this PDF's).
  const issued = (
    await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'receipt.issued')
      .where('subject', '=', r.request.id)
      .orderBy('seq')
      .execute()
  ).map((x) => ({
    seq: Number(x.seq),
    data: JSON.parse(x.data) as Record<string, unknown>,
  }));
  const mineIssued = issued.find((x) => x.data.receiptId === r.id);
  if (!mineIssued || mineIssued.data.sha256 !== receiptDigest(raw))
    return fail('ALTERED: the hub has no record of issuing this receipt as it is');
  report.passed.push(`issued by this hub (audit entry ${mineIssued.seq})`);
  if (report.kind === 'pdf') {
    const pdfs =
      mineIssued.data.pdf && typeof mineIssued.data.pdf === 'object' ? Object.values(mineIssued.data.pdf as Record<string, unknown>) : [];
    if (!pdfs.includes(sha256(bytes)))
      return fail('ALTERED: the PDF differs from the one the hub issued (its attached data is intact: the pages were changed)');
    report.passed.push('the PDF is byte for byte the one the hub issued');
  }
  const newer = issued.filter((x) => typeof x.data.version === 'number' && (x.data.version as number) > r.version);
  if (newer.length > 0)
    report.notes.push(
      `a newer version of this receipt exists (version ${Math.max(...newer.map((x) => x.data.version as number))}): something about the request was recorded after this one`,
    );
  return { ...report, ok: true };
}

/** Each technician's verification (login entry) as the chain says. */
function sameIdentities(r: InterventionReceiptBody, logins: Map<string, { at: string; seq: number }>): boolean {
  return r.technicians.every((t) => {
    const l = logins.get(t.id) ?? null;
    return (l?.seq ?? null) === t.verification.seq && (l?.at ?? null) === t.verification.at;
  });
}

export type { AuditRow };

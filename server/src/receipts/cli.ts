import { readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Locale, VigieError } from '@vigie/common';
import { takeOption } from '../cli-args.js';
import type { HubKey } from '../hub-key.js';
import type { AuditLog } from '../services/audit.js';
import type { Db } from '../store/db.js';
import type { ReceiptService } from './service.js';
import { MAX_RECEIPT_FILE_BYTES, verifyReceiptFile } from './verify.js';

export const RECEIPTS_CLI_HELP = `  receipt verify <file.pdf|file.json> [--practice <id|name>]
                                           is this intervention receipt exactly what this hub
                                           issued, and does it agree with the audit chain?
                                           exit 0 intact, 2 altered / not this hub's / other practice
  receipt export <request-id> [--out <dir>] [--locale fr|en]
                                           write the receipt of a closed request (PDF + JSON)
  receipt list --device <id>               closed interventions of a device and their receipts
  receipt key                              the public key that checks receipts' signatures
  user photo <login> <file.jpg|png>        the technician's photo (consent window, receipts;
                                           JPEG or PNG, at most 256 KiB, 48 to 2048 pixels a side)
  user photo <login> --clear               remove it`;

export interface ReceiptsCliContext {
  db: Db;
  audit: AuditLog;
  key: HubKey;
  receipts: ReceiptService;
  out: (s: string) => void;
  err: (s: string) => void;
}

const usage = () => new VigieError('BAD_REQUEST', `usage:\n${RECEIPTS_CLI_HELP}`);

function readSmallFile(path: string, max: number, what: string): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new VigieError('BAD_REQUEST', `${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof VigieError) throw e;
    throw new VigieError('NOT_FOUND', `cannot read ${path} (${(e as Error).message})`);
  }
  if (size > max) throw new VigieError('BAD_REQUEST', `${path} is too large for ${what} (${size} bytes)`);
  return readFileSync(path);
}

/** `receipt …` and `user photo …` of the hub CLI; returns the exit code. */
export async function runReceiptsCommand(args: string[], ctx: ReceiptsCliContext): Promise<number> {
  const [group, verb, ...rest] = args;
  const command = `${group ?? ''} ${verb ?? ''}`.trim();
  switch (command) {
    case 'receipt verify': {
      const practiceRef = takeOption(rest, '--practice');
      const file = rest[0];
      if (!file || rest.length > 1) throw usage();
      let practice: { id: string; name: string } | undefined;
      if (practiceRef) {
        const p = await ctx.db
          .selectFrom('practices')
          .select(['id', 'name'])
          .where((eb) => eb.or([eb('id', '=', practiceRef), eb('name', '=', practiceRef)]))
          .executeTakeFirst();
        if (!p) throw new VigieError('NOT_FOUND', `no practice "${practiceRef}"`);
        practice = p;
      }
      const report = await verifyReceiptFile(readSmallFile(file, MAX_RECEIPT_FILE_BYTES, 'a receipt'), ctx, practice ? { practice } : {});
      const r = report.receipt;
      if (r)
        ctx.out(
          `Receipt ${r.id} (version ${r.version}) — « ${r.practice} », computer « ${r.device} », request ${r.requestId}, technician ${r.technician ?? '(none)'}, issued ${r.issuedAt}`,
        );
      for (const p of report.passed) ctx.out(`  ok  ${p}`);
      if (!report.ok) {
        ctx.err(`NOT VALID: ${report.failure}`);
        return 2;
      }
      for (const n of report.notes) ctx.out(`  note: ${n}`);
      ctx.out(
        `INTACT: this ${report.kind === 'pdf' ? 'PDF' : 'JSON'} receipt is exactly what this hub issued, and the audit chain agrees.`,
      );
      return 0;
    }
    case 'receipt export': {
      const out = resolve(takeOption(rest, '--out') ?? '.');
      const localeArg = takeOption(rest, '--locale') ?? 'fr';
      const locale = Locale.safeParse(localeArg);
      if (!locale.success) throw new VigieError('BAD_REQUEST', '--locale is fr or en');
      const requestId = rest[0];
      if (!requestId || rest.length > 1) throw usage();
      const cli = { kind: 'technician' as const, id: 'cli', name: 'cli', role: 'admin' as const };
      await ctx.receipts.authorize(cli, requestId);
      const { row } = await ctx.receipts.ensure(requestId);
      const pdf = await ctx.receipts.pdf(row.id, locale.data);
      if (!existsSync(out)) mkdirSync(out, { recursive: true, mode: 0o700 });
      const base = join(out, `recu-intervention-${requestId.slice(0, 8)}-v${row.version}`);
      writeFileSync(`${base}-${locale.data}.pdf`, pdf, { mode: 0o600 });
      writeFileSync(`${base}.json`, row.json, { mode: 0o600 });
      await ctx.audit.append({
        actorType: 'cli',
        action: 'receipt.export',
        subject: requestId,
        data: { requestId, receiptId: row.id, version: row.version, locale: locale.data },
      });
      ctx.out(`Receipt ${row.id} (version ${row.version}) written:\n  ${base}-${locale.data}.pdf\n  ${base}.json`);
      return 0;
    }
    case 'receipt list': {
      const deviceId = takeOption(rest, '--device');
      if (!deviceId || rest.length > 0) throw usage();
      const cli = { kind: 'technician' as const, id: 'cli', name: 'cli', role: 'admin' as const };
      const page = await ctx.receipts.list(cli, { deviceId, limit: 100 });
      if (page.items.length === 0) ctx.out('(none)');
      for (const i of page.items) {
        ctx.out(
          `${i.closedAt}  ${i.requestId}  ${i.status}  ${i.technician?.displayName ?? '-'}  ${i.receipt ? `receipt v${i.receipt.version} (${i.receipt.id})` : 'no receipt yet (receipt export issues it)'}`,
        );
      }
      if (page.more) ctx.out('(more: only the 100 newest are listed)');
      return 0;
    }
    case 'receipt key': {
      const k = ctx.receipts.publicKey();
      ctx.out(`Receipt signing key (Ed25519), id ${k.keyId}\nraw public key (base64): ${k.publicKey}\n${k.spkiPem.trim()}`);
      return 0;
    }
    case 'user photo': {
      const clear = rest.includes('--clear');
      const login = rest.filter((a) => a !== '--clear')[0];
      const file = rest.filter((a) => a !== '--clear')[1];
      if (!login || (clear ? file !== undefined : !file) || rest.length > 2) throw usage();
      if (clear) {
        const removed = await ctx.receipts.clearPhoto(login);
        ctx.out(removed ? `Photo of ${login} removed.` : `${login} had no photo.`);
        return 0;
      }
      const p = await ctx.receipts.setPhoto(login, readSmallFile(file!, 16 * 1024 * 1024, 'a photo'));
      ctx.out(
        `Photo of ${login} set (${p.mime}, ${p.width}×${p.height}, sha256 ${p.sha256}): shown on the consent window and on the next receipts.`,
      );
      return 0;
    }
    default:
      ctx.err(`unknown command "${command}"\n\n${RECEIPTS_CLI_HELP}`);
      return 1;
  }
}

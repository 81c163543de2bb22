/**
 * Intervention receipts on a real hub (the intervention is played by test-support/intervention.ts):
 * a resolved request with screen consents, control, a restore and safety entries gets a receipt
 * whose PDF parses (pdf.js) and whose JSON verifies — with the hub's CLI and with the public key
 * alone; an altered JSON or PDF fails `receipt verify`; a receipt is refused to another practice's
 * device, to another technician and to another device. The tests run in order on the one receipt.
 */
import { createPublicKey, randomUUID, verify as edVerify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import {
  InterventionReceipt,
  RECEIPT_ATTACHMENT,
  RECEIPTS_API,
  type InterventionListResponse,
  type ReceiptFile,
  type Result,
} from '@vigie/common';
import { code, data, hubCli, type TestTech } from '../test-support/fixture.js';
import { emitAck } from '../test-support/sockets.js';
import { canonicalJson } from '../util.js';
import { embeddedFiles } from './pdf-attachment.js';
import { pngPhoto as png } from './test-support/index.js';
import {
  AFTER_SNAP,
  dev,
  fileBytes,
  NOTE,
  other,
  pdfText,
  request,
  RESTORED,
  safetyReport,
  SAFETY_SNAP,
  safetySnapshot,
  sameOffice,
  shortCode,
  supervisor,
  t,
  tech,
  useInterventionHub,
} from './test-support/intervention.js';

let pdf: Buffer;
let json: string;
let receipt: InterventionReceipt;

useInterventionHub();

describe('a resolved intervention’s receipt', () => {
  it('is issued at resolution and listed for the device, with what happened', async () => {
    const list = data(await emitAck<InterventionListResponse>(dev.socket, 'intervention:list', {}));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      requestId: request.id,
      status: 'resolved',
      technician: { id: tech.id, displayName: 'Julie Martin' },
      receipt: { version: 1, consents: 3, controlPeriods: 1, restores: 1, safety: true },
    });
    // Another computer of the same practice has no intervention of its own.
    expect(data(await emitAck<InterventionListResponse>(sameOffice.socket, 'intervention:list', {})).items).toEqual([]);
  });

  it('is a PDF that parses, in French, with the JSON attached, the photo drawn and the same facts', async () => {
    const file = data(
      await emitAck<ReceiptFile>(dev.socket, 'intervention:receipt', { requestId: request.id, format: 'pdf', locale: 'fr' }),
    );
    pdf = fileBytes(file);
    expect(file).toMatchObject({ mimeType: 'application/pdf', version: 1 });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const parsed = await pdfText(pdf);
    expect(parsed.text).toContain('Reçu d’intervention');
    expect(parsed.text).toContain('Cabinet des Tilleuls');
    expect(parsed.text).toContain('Julie Martin');
    expect(parsed.text).toContain('mot de passe et code à usage unique (TOTP)');
    expect(parsed.text).toContain(`Voir l’écran — code ${shortCode}`);
    expect(parsed.text).toContain('Prendre la main');
    expect(parsed.text).toContain('reprise par le cabinet');
    expect(parsed.text).toContain('Éléonore « B ».odt');
    expect(parsed.text).toContain('Sauvegarde de sécurité : faite avant la prise en main (sauvegarde cccccccc, 2.4 s)');
    expect(parsed.text).toContain(NOTE);
    // The photo beside the verified name: an image XObject in the PDF.
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);

    json = parsed.attachments[RECEIPT_ATTACHMENT]!.toString('utf8');
    receipt = InterventionReceipt.parse(JSON.parse(json));
    const viaJson = data(await emitAck<ReceiptFile>(dev.socket, 'intervention:receipt', { requestId: request.id, format: 'json' }));
    expect(fileBytes(viaJson).toString('utf8')).toBe(json);

    expect(receipt.practice.name).toBe('Cabinet des Tilleuls');
    expect(receipt.device).toMatchObject({ id: dev.deviceId, name: 'Accueil' });
    expect(receipt.technician).toMatchObject({
      id: tech.id,
      login: tech.login,
      displayName: 'Julie Martin',
      verification: { method: 'password+totp' },
    });
    expect(receipt.technician!.verification.seq).toBeGreaterThan(0);
    expect(receipt.technician!.photoSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(receipt.consents.map((c) => [c.kind, c.code, c.decision])).toEqual([
      ['view', shortCode, 'granted'],
      ['control', shortCode, 'granted'],
      ['control', shortCode, 'refused'],
    ]);
    expect(receipt.controlPeriods).toHaveLength(1);
    expect(receipt.controlPeriods[0]).toMatchObject({ endedBy: 'device' });
    expect(receipt.screenSessions[0]).toMatchObject({ code: shortCode, endReason: 'technician-end', endedBy: 'technician' });
    expect(receipt.restores).toEqual([
      expect.objectContaining({ paths: RESTORED, mode: 'in-place', state: 'done', items: 2, technicianId: tech.id }),
    ]);
    expect(receipt.backupReads).toEqual([]);
    expect(receipt.safety.snapshots).toEqual([
      expect.objectContaining({
        action: 'safety.snapshot',
        details: expect.objectContaining({ before: 'control', state: 'done', snapshotId: SAFETY_SNAP, durationMs: 2400 }),
      }),
    ]);
    expect(receipt.safety.undo).toEqual([]);
    expect(receipt.request).toMatchObject({ id: request.id, status: 'resolved', resolutionNote: NOTE });

    // The entries it stands on are the chain's, and its checkpoint covers them.
    const chain = new Map((await t.hub.services.audit.list(0, 10_000)).map((e) => [e.seq, e]));
    for (const e of receipt.audit.entries) expect(chain.get(e.seq)).toMatchObject({ hash: e.hash, action: e.action });
    const actions = receipt.audit.entries.map((e) => e.action);
    for (const a of [
      'auth.login',
      'help.create',
      'help.accept',
      'screen.request',
      'screen.consent.granted',
      'screen.control.granted',
      'screen.control.revoked',
      'screen.control.refused',
      'screen.end',
      'backup.restore_requested',
      'backup.restore_finished',
      'safety.snapshot',
      'help.resolve',
    ]) {
      expect(actions).toContain(a);
    }
    expect(actions.some((a) => a.startsWith('receipt.'))).toBe(false);
    expect(receipt.audit.checkpoint.seq).toBeGreaterThanOrEqual(Math.max(...receipt.audit.entries.map((e) => e.seq)));
    expect(chain.get(receipt.audit.checkpoint.seq)?.hash).toBe(receipt.audit.checkpoint.hash);
    // Issuing and downloading are audited (never inside a receipt).
    const own = [...chain.values()].filter((e) => e.subject === request.id && e.action.startsWith('receipt.')).map((e) => e.action);
    expect(own).toEqual(['receipt.issued', 'receipt.download', 'receipt.download']);

    const en = await pdfText(
      fileBytes(
        data(await emitAck<ReceiptFile>(dev.socket, 'intervention:receipt', { requestId: request.id, format: 'pdf', locale: 'en' })),
      ),
    );
    expect(en.text).toContain('Intervention receipt');
    expect(en.attachments[RECEIPT_ATTACHMENT]!.toString('utf8')).toBe(json);
  });

  it('verifies with the public key alone (a third party) and with `receipt verify` (PDF and JSON)', async () => {
    const key = data((await (await fetch(t.hub.url + RECEIPTS_API.key)).json()) as Result<{ spkiPem: string; keyId: string }>);
    const { signature, ...body } = JSON.parse(json) as Record<string, unknown> & { signature: { value: string; keyId: string } };
    expect(signature.keyId).toBe(key.keyId);
    expect(edVerify(null, Buffer.from(canonicalJson(body)), createPublicKey(key.spkiPem), Buffer.from(signature.value, 'base64'))).toBe(
      true,
    );

    const pdfFile = join(t.root, 'recu.pdf');
    const jsonFile = join(t.root, 'recu.json');
    writeFileSync(pdfFile, pdf);
    writeFileSync(jsonFile, json);
    const a = await hubCli(t, 'receipt', 'verify', pdfFile);
    expect(a.err).toBe('');
    expect(a.rc).toBe(0);
    expect(a.out).toContain('INTACT');
    expect(a.out).toContain('the PDF is byte for byte the one the hub issued');
    expect(a.out).toContain('recomputed from the audit chain');
    const b = await hubCli(t, 'receipt', 'verify', jsonFile);
    expect(b.rc).toBe(0);
    // Re-indented JSON is the same receipt.
    writeFileSync(jsonFile, JSON.stringify(JSON.parse(json)));
    expect((await hubCli(t, 'receipt', 'verify', jsonFile)).rc).toBe(0);
  });

  it('an altered JSON, an altered PDF, or a PDF carrying altered data fails `receipt verify`', async () => {
    const bad = join(t.root, 'bad.json');
    const changed = JSON.parse(json) as InterventionReceipt;
    changed.technician!.displayName = 'Quelqu’un d’autre';
    writeFileSync(bad, JSON.stringify(changed));
    const a = await hubCli(t, 'receipt', 'verify', bad);
    expect(a.rc).toBe(2);
    expect(a.err).toMatch(/NOT VALID: ALTERED: the receipt data does not match its signature/);

    // A consent removed, everything else as signed.
    const fewer = JSON.parse(json) as InterventionReceipt;
    fewer.consents.pop();
    writeFileSync(bad, JSON.stringify(fewer));
    expect((await hubCli(t, 'receipt', 'verify', bad)).rc).toBe(2);
    // A field added.
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(json), remarque: 'ajout' }));
    expect((await hubCli(t, 'receipt', 'verify', bad)).rc).toBe(2);

    // The PDF's pages changed (its document title here), its attached data intact.
    const text = pdf.toString('latin1');
    const i = text.indexOf('Vigie');
    const edited = Buffer.from(pdf);
    edited.write('Vigix', i, 'latin1');
    expect(embeddedFiles(edited)[0]!.toString('utf8')).toBe(json);
    const badPdf = join(t.root, 'bad.pdf');
    writeFileSync(badPdf, edited);
    const b = await hubCli(t, 'receipt', 'verify', badPdf);
    expect(b.rc).toBe(2);
    expect(b.err).toMatch(/the PDF differs from the one the hub issued/);

    // A new PDF made to look like it, carrying altered data.
    const forged = await new Promise<Buffer>((resolve) => {
      const doc = new PDFDocument();
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.text('Reçu d’intervention');
      doc.file(Buffer.from(JSON.stringify(changed)), { name: RECEIPT_ATTACHMENT, type: 'application/json' });
      doc.end();
    });
    writeFileSync(badPdf, forged);
    const c = await hubCli(t, 'receipt', 'verify', badPdf);
    expect(c.rc).toBe(2);
    expect(c.err).toMatch(/does not match its signature/);

    writeFileSync(badPdf, 'pas un reçu');
    expect((await hubCli(t, 'receipt', 'verify', badPdf)).rc).toBe(2);
    // Hostile files end in a refusal, not a crash or a long wait: markers without end, data nested beyond reason.
    writeFileSync(badPdf, `%PDF-1.7\n${'1 0 obj << /Type /EmbeddedFile /Length 999999 >> stream\n'.repeat(50_000)}`);
    expect((await hubCli(t, 'receipt', 'verify', badPdf)).rc).toBe(2);
    writeFileSync(bad, `${json.trimEnd().slice(0, -1)}, "x": ${'['.repeat(20_000)}${']'.repeat(20_000)} }`);
    expect((await hubCli(t, 'receipt', 'verify', bad)).rc).toBe(2);
  });

  it('is refused to another practice’s device, to another computer of the practice and to another technician; a supervisor gets it', async () => {
    const otherPractice = await t.hub.admin.createPractice({ name: 'Cabinet du Lac' });
    const { enrollDevice, connectDevice } = await import('../test-support/sockets.js');
    const enrolled = await enrollDevice(t.hub.url, otherPractice.enrollmentCode, { name: 'Lac accueil' });
    const foreign = await connectDevice(t.hub.url, enrolled.token);
    try {
      expect(code(await emitAck(foreign, 'intervention:receipt', { requestId: request.id, format: 'pdf' }))).toBe('FORBIDDEN');
      expect(code(await emitAck(foreign, 'intervention:receipt', { requestId: request.id, format: 'json' }))).toBe('FORBIDDEN');
    } finally {
      foreign.close();
    }
    expect(code(await emitAck(sameOffice.socket, 'intervention:receipt', { requestId: request.id, format: 'pdf' }))).toBe('FORBIDDEN');
    expect(code(await emitAck(dev.socket, 'intervention:receipt', { requestId: randomUUID(), format: 'pdf' }))).toBe('NOT_FOUND');
    expect(code(await emitAck(dev.socket, 'intervention:receipt', { requestId: request.id, format: 'docx' }))).toBe('BAD_REQUEST');

    const get = (who: TestTech | null, path: string) => fetch(t.hub.url + path, { headers: who ? { cookie: who.cookie } : {} });
    expect((await get(null, RECEIPTS_API.file(request.id, 'pdf'))).status).toBe(401);
    const refused = await get(other, RECEIPTS_API.file(request.id, 'pdf'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(
      ((await (await get(other, `${RECEIPTS_API.list}?deviceId=${dev.deviceId}`)).json()) as Result<InterventionListResponse>).ok,
    ).toBe(true);
    expect(
      data((await (await get(other, `${RECEIPTS_API.list}?deviceId=${dev.deviceId}`)).json()) as Result<InterventionListResponse>).items,
    ).toEqual([]);

    const mine = await get(tech, RECEIPTS_API.file(request.id, 'pdf'));
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('application/pdf');
    expect(mine.headers.get('content-disposition')).toMatch(/^attachment; filename="recu-intervention-.*-fr\.pdf"$/);
    expect(Buffer.from(await mine.arrayBuffer()).equals(pdf)).toBe(true);
    const sup = await get(supervisor, RECEIPTS_API.file(request.id, 'json'));
    expect(sup.status).toBe(200);
    expect(await sup.text()).toBe(json);
    expect(
      data((await (await get(supervisor, `${RECEIPTS_API.list}?deviceId=${dev.deviceId}`)).json()) as Result<InterventionListResponse>)
        .items,
    ).toHaveLength(1);

    // The CLI refuses it as another practice's register.
    const file = join(t.root, 'recu.pdf');
    const v = await hubCli(t, 'receipt', 'verify', file, '--practice', 'Cabinet du Lac');
    expect(v.rc).toBe(2);
    expect(v.err).toMatch(/another practice/);
    expect((await hubCli(t, 'receipt', 'verify', file, '--practice', 'Cabinet des Tilleuls')).rc).toBe(0);
  });

  it('an undo recorded after the resolution makes a version 2; version 1 still verifies and says a newer one exists', async () => {
    // The practitioner looks at the changes and clicks « Annuler les changements de l'intervention » after the request was resolved.
    const at = new Date().toISOString();
    const changes = {
      state: 'ready' as const,
      afterSnapshotId: AFTER_SNAP,
      at,
      counts: { added: 1, changed: 2, deleted: 0 },
      items: [],
      truncated: false,
      error: null,
    };
    const undo = {
      id: randomUUID(),
      state: 'done' as const,
      startedAt: at,
      endedAt: at,
      total: 2,
      restored: 2,
      keptCopies: 2,
      failed: 0,
      error: null,
    };
    data(
      await emitAck(dev.socket, 'backup:safety-report', {
        requestId: request.id,
        intervention: safetyReport(request.id, { snapshots: [safetySnapshot], changes, undo }),
      }),
    );
    const v2 = InterventionReceipt.parse(
      JSON.parse(
        fileBytes(data(await emitAck<ReceiptFile>(dev.socket, 'intervention:receipt', { requestId: request.id, format: 'json' }))).toString(
          'utf8',
        ),
      ),
    );
    expect(v2.version).toBe(2);
    expect(v2.safety.undo).toEqual([
      expect.objectContaining({
        action: 'safety.undo',
        details: expect.objectContaining({ state: 'done', total: 2, restored: 2, keptCopies: 2, failed: 0 }),
      }),
    ]);
    expect(v2.safety.other).toEqual([
      expect.objectContaining({ action: 'safety.changes', details: expect.objectContaining({ added: 1, changed: 2, deleted: 0 }) }),
    ]);
    const v2pdf = await pdfText(
      fileBytes(
        data(await emitAck<ReceiptFile>(dev.socket, 'intervention:receipt', { requestId: request.id, format: 'pdf', locale: 'fr' })),
      ),
    );
    expect(v2pdf.text).toContain(
      'Annulation des changements : faite — fichiers remis : 2 sur 2 · versions actuelles gardées en copie datée : 2 · échecs : 0',
    );
    expect(v2pdf.text).toContain('Changements pendant l’intervention : ajoutés : 1 · modifiés : 2 · supprimés : 0');
    const old = await hubCli(t, 'receipt', 'verify', join(t.root, 'recu.pdf'));
    expect(old.rc).toBe(0);
    expect(old.out).toMatch(/a newer version of this receipt exists \(version 2\)/);
    expect((await t.hub.admin.verifyAudit()).ok).toBe(true);
  });

  it('`user photo` refuses what is not a small JPEG or PNG; `receipt key` and `receipt export` work', async () => {
    const bad = join(t.root, 'photo.txt');
    writeFileSync(bad, 'pas une image');
    await expect(hubCli(t, 'user', 'photo', tech.login, bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    writeFileSync(bad, Buffer.concat([png(), Buffer.alloc(300 * 1024)]));
    await expect(hubCli(t, 'user', 'photo', tech.login, bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    writeFileSync(bad, png(16));
    await expect(hubCli(t, 'user', 'photo', tech.login, bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(hubCli(t, 'user', 'photo', 'personne', join(t.root, 'julie.png'))).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const key = await hubCli(t, 'receipt', 'key');
    expect(key.out).toContain('BEGIN PUBLIC KEY');
    const out = join(t.root, 'export');
    const ex = await hubCli(t, 'receipt', 'export', request.id, '--out', out, '--locale', 'en');
    expect(ex.rc).toBe(0);
    expect((await hubCli(t, 'receipt', 'verify', join(out, `recu-intervention-${request.id.slice(0, 8)}-v2-en.pdf`))).rc).toBe(0);
  });
});

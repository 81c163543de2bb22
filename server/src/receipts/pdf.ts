/**
 * The receipt as a PDF (pdfkit): the same facts as the signed JSON, in the practitioner's words,
 * with the JSON itself attached (RECEIPT_ATTACHMENT). DejaVu Sans is embedded (only the glyphs
 * used), so accents, « » and ’ render the same in every viewer.
 */
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { RECEIPT_ATTACHMENT, type InterventionReceipt, type Locale, type ReceiptSafetyEvent, type ReceiptTechnician } from '@vigie/common';
import { fill, RECEIPT_PDF_STRINGS, type ReceiptPdfStrings } from './strings.js';

const FONTS = {
  regular: fileURLToPath(new URL('../../../assets/fonts/DejaVuSans.ttf', import.meta.url)),
  bold: fileURLToPath(new URL('../../../assets/fonts/DejaVuSans-Bold.ttf', import.meta.url)),
};

export interface PdfOptions {
  locale: Locale;
  /** The time zone times are written in (the practice's). */
  timeZone: string;
  /** The resolving technician's photo, drawn beside their verified name. */
  photo: Buffer | null;
}

const MARGIN = 56;
const SIZE = { title: 20, h2: 12, body: 9.5, small: 7.5 } as const;
const GREY = '#555555';
const INK = '#111111';

/** A value someone typed (a name, a file name), on one line: no control characters, nothing that could look like the receipt's own lines. */
const one = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();

/** One formatter per language and time zone (building one costs more than the rest of a date). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatDate(iso: string | null, locale: Locale, timeZone: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const key = `${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium', timeZone });
    formatters.set(key, f);
  }
  return f.format(d);
}

/** Draws the receipt; resolves with the PDF's bytes. */
export function renderReceiptPdf(receipt: InterventionReceipt, json: string, o: PdfOptions): Promise<Buffer> {
  const t: ReceiptPdfStrings = RECEIPT_PDF_STRINGS[o.locale];
  const date = (iso: string | null) => formatDate(iso, o.locale, o.timeZone);
  const issued = new Date(receipt.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + 8, left: MARGIN, right: MARGIN },
    bufferPages: true,
    pdfVersion: '1.7',
    lang: o.locale === 'fr' ? 'fr-FR' : 'en-GB',
    displayTitle: true,
    info: {
      Title: `${t.title} — ${one(receipt.practice.name)}`,
      Author: 'Vigie',
      Subject: `${t.request} ${receipt.request.id}`,
      Creator: 'Vigie',
      Producer: 'Vigie',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - MARGIN * 2;
  const body = (text: string, opts: PDFKit.Mixins.TextOptions = {}) =>
    doc
      .font('regular')
      .fontSize(SIZE.body)
      .fillColor(INK)
      .text(text, { width, ...opts });
  const note = (text: string) => doc.font('regular').fontSize(SIZE.body).fillColor(GREY).text(text, { width }).fillColor(INK);
  const h2 = (text: string) => {
    doc.moveDown(0.8);
    if (doc.y > doc.page.height - doc.page.margins.bottom - 60) doc.addPage();
    doc.font('bold').fontSize(SIZE.h2).fillColor(INK).text(text, { width });
    doc.moveDown(0.25);
  };
  const kv = (label: string, value: string) => {
    doc.font('bold').fontSize(SIZE.body).fillColor(INK).text(`${label}${t.colon}`, { width, continued: true });
    doc.font('regular').text(value);
  };
  /** A list item with a hanging indent (wrapped lines under the text, not under the bullet). */
  const bullet = (text: string) => {
    doc.font('regular').fontSize(SIZE.body).fillColor(INK);
    if (doc.y + doc.currentLineHeight(true) > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    doc.text('•', MARGIN + 4, y, { width: 10, lineBreak: false });
    doc.text(text, MARGIN + 16, y, { width: width - 16 });
    doc.x = MARGIN;
  };
  const techs = new Map(receipt.technicians.map((x) => [x.id, x]));
  const nameOf = (id: string | null) => (id ? one(techs.get(id)?.displayName ?? id) : null);
  const items = (n: number) => fill(n > 1 ? t.items_other : t.items_one, { count: n });

  // ---------- head ----------
  doc.font('bold').fontSize(SIZE.title).fillColor(INK).text(t.title, { width });
  doc.font('regular').fontSize(SIZE.body).fillColor(GREY).text(t.subtitle, { width });
  doc.text(fill(t.issued, { id: receipt.id, version: receipt.version, date: date(receipt.issuedAt) }), { width });
  doc.text(fill(t.timeZone, { zone: o.timeZone }), { width });
  doc.fillColor(INK).moveDown(0.6);
  kv(t.practice, one(receipt.practice.name));
  kv(t.device, `${one(receipt.device.name)} (${receipt.device.os} ${one(receipt.device.osVersion)})`);
  kv(t.request, receipt.request.id);
  kv(t.status, t.statuses[receipt.request.status]);
  kv(t.topic, receipt.request.topic ? t.topics[receipt.request.topic] : t.none);
  kv(t.createdAt, date(receipt.request.createdAt));
  kv(t.pickedUpAt, date(receipt.request.pickedUpAt));
  kv(t.closedAt, date(receipt.request.closedAt));

  // ---------- technician ----------
  h2(t.technician);
  const tech = receipt.technician;
  if (!tech) note(t.noTechnician);
  else technicianBlock(doc, tech, o.photo, t, date, width);
  const others = receipt.technicians.filter((x) => x.id !== tech?.id);
  if (others.length > 0) {
    doc.moveDown(0.4);
    doc.font('bold').fontSize(SIZE.body).text(t.otherTechnicians, { width });
    for (const x of others)
      bullet(`${one(x.displayName)} — ${fill(t.account, { login: x.login, role: t.roles[x.role] })} — ${verification(x, t, date)}`);
  }

  // ---------- consents ----------
  h2(t.consents);
  if (receipt.consents.length === 0) note(t.noConsents);
  for (const c of receipt.consents) {
    const decision = c.answeredAt
      ? fill(t.answeredOn, { decision: t.decisions[c.decision], date: date(c.answeredAt) })
      : t.decisions[c.decision];
    const by = nameOf(c.technicianId);
    bullet(
      `${fill(t.consentLine, { kind: t.kinds[c.kind], code: one(c.code ?? t.noCode), asked: date(c.askedAt), decision })}${by ? ` — ${fill(t.by, { name: by })}` : ''}`,
    );
  }

  h2(t.screenSessions);
  if (receipt.screenSessions.length === 0) note(t.noScreenSessions);
  for (const s of receipt.screenSessions) {
    const reason = t.endReasons[s.endReason ?? ''] ?? (s.endedAt ? t.endReasons.other! : t.stillOpen);
    bullet(
      s.viewFrom
        ? fill(t.sessionLine, { code: s.code ?? t.noCode, from: date(s.viewFrom), to: s.endedAt ? date(s.endedAt) : t.stillOpen, reason })
        : fill(t.sessionNotSeen, { code: s.code ?? t.noCode, asked: date(s.requestedAt), reason }),
    );
  }

  h2(t.controlPeriods);
  if (receipt.controlPeriods.length === 0) note(t.noControl);
  for (const p of receipt.controlPeriods) {
    bullet(fill(t.controlLine, { from: date(p.from), to: p.to ? date(p.to) : t.stillOpen, how: t.controlEnded[p.endedBy ?? 'open'] }));
  }

  // ---------- restores ----------
  h2(t.restores);
  if (receipt.restores.length === 0) note(t.noRestores);
  for (const r of receipt.restores) {
    const mode =
      r.mode === 'beside' || r.mode === 'in-place'
        ? t.restoreModes[r.mode]!
        : r.targetDir
          ? fill(t.restoreModes.elsewhere!, { dir: one(r.targetDir) })
          : fill(t.restoreModes.other!, { mode: r.mode ?? '—' });
    const by = nameOf(r.technicianId);
    bullet(
      `${fill(t.restoreLine, { date: date(r.askedAt), state: t.restoreStates[r.state], count: items(r.items ?? r.paths.length), mode })}${by ? ` — ${fill(t.by, { name: by })}` : ''}${r.accessId ? ` — ${t.underAccess}` : ''}`,
    );
    if (r.paths.length > 0) {
      doc
        .font('regular')
        .fontSize(SIZE.small)
        .fillColor(GREY)
        .text(t.files, MARGIN + 16, doc.y, { width: width - 16 });
      for (const p of r.paths) doc.text(one(p), MARGIN + 28, doc.y, { width: width - 28 });
      doc.fillColor(INK);
      doc.x = MARGIN;
    }
  }

  h2(t.backupReads);
  if (receipt.backupReads.length === 0) note(t.noBackupReads);
  for (const r of receipt.backupReads) {
    const what = t.readWhat[r.what] ?? fill(t.readWhat.other!, { what: r.what });
    bullet(
      `${date(r.at)} — ${what}${r.detail ? ` « ${one(r.detail)} »` : ''}${nameOf(r.technicianId) ? ` — ${fill(t.by, { name: nameOf(r.technicianId)! })}` : ''}`,
    );
  }

  // ---------- safety snapshot and undo ----------
  h2(t.safety);
  const safety = [...receipt.safety.snapshots, ...receipt.safety.undo, ...receipt.safety.other].sort((a, b) => a.seq - b.seq);
  if (safety.length === 0) note(t.noSafety);
  for (const e of safety) bullet(`${date(e.at)} — ${safetyLine(e, t)}`);

  // ---------- note ----------
  h2(t.note);
  if (receipt.request.resolutionNote) body(receipt.request.resolutionNote);
  else note(t.noNote);

  // ---------- audit entries ----------
  h2(t.audit);
  note(t.auditIntro);
  doc.moveDown(0.3);
  for (const e of receipt.audit.entries) {
    if (doc.y + 2 * doc.currentLineHeight(true) > doc.page.height - doc.page.margins.bottom) doc.addPage();
    doc
      .font('regular')
      .fontSize(SIZE.small)
      .fillColor(INK)
      .text(`n° ${e.seq}   ${date(e.at)}   ${e.action}`, MARGIN, doc.y, { width });
    doc.fillColor(GREY).text(e.hash, MARGIN + 16, doc.y, { width: width - 16 });
    doc.x = MARGIN;
  }
  doc.fillColor(INK).moveDown(0.5);
  const cp = receipt.audit.checkpoint;
  doc
    .font('regular')
    .fontSize(SIZE.small)
    .text(fill(t.checkpoint, { seq: cp.seq, date: date(cp.at), hash: cp.hash, keyId: cp.keyId }), { width });

  h2(t.signature);
  body(fill(t.signatureText, { file: RECEIPT_ATTACHMENT, keyId: receipt.signature.keyId }));

  doc.file(Buffer.from(json, 'utf8'), {
    name: RECEIPT_ATTACHMENT,
    type: 'application/json',
    description: t.title,
    creationDate: issued,
    modifiedDate: issued,
  });

  // ---------- footers ----------
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not open a page
    doc
      .font('regular')
      .fontSize(SIZE.small)
      .fillColor(GREY)
      .text(fill(t.footer, { id: receipt.id, page: i - range.start + 1, pages: range.count }), MARGIN, doc.page.height - MARGIN + 12, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

/** A `safety.*` entry in words (safety.snapshot, safety.changes, safety.undo; any other as recorded). */
function safetyLine(e: ReceiptSafetyEvent, t: ReceiptPdfStrings): string {
  const d = e.details;
  const n = (k: string) => (typeof d[k] === 'number' ? String(d[k]) : '0');
  const state = typeof d.state === 'string' ? (t.safetyStates[d.state] ?? fill(t.safetyStates.other!, { state: d.state })) : '';
  const reason = typeof d.reason === 'string' ? ` — ${fill(t.safetyReason, { reason: one(d.reason) })}` : '';
  if (e.action === 'safety.snapshot') {
    const before = typeof d.before === 'string' ? (t.safetyBefore[d.before] ?? d.before) : '';
    const id = typeof d.snapshotId === 'string' ? d.snapshotId.slice(0, 8) : '—';
    const seconds = typeof d.durationMs === 'number' ? (d.durationMs / 1000).toFixed(1) : '—';
    return `${t.safetySnapshot}${t.colon}${fill(t.safetySnapshotLine, { state, before, id, seconds })}${reason}`;
  }
  if (e.action === 'safety.changes')
    return `${t.safetyChanges}${t.colon}${fill(t.safetyChangesLine, { added: n('added'), changed: n('changed'), deleted: n('deleted') })}${reason}`;
  if (e.action === 'safety.undo')
    return `${t.safetyUndo}${t.colon}${fill(t.safetyUndoLine, { state, restored: n('restored'), total: n('total'), kept: n('keptCopies'), failed: n('failed') })}${reason}`;
  const details = Object.entries(d)
    .map(([k, v]) => one(`${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`))
    .join(' · ');
  const label = e.action.startsWith('safety.snapshot')
    ? t.safetySnapshot
    : e.action.startsWith('safety.undo')
      ? t.safetyUndo
      : t.safetyOther;
  return `${label} (${e.action})${details ? ` — ${details}` : ''}`;
}

function verification(x: ReceiptTechnician, t: ReceiptPdfStrings, date: (iso: string | null) => string): string {
  return x.verification.at && x.verification.seq
    ? fill(t.verified, { date: date(x.verification.at), seq: x.verification.seq })
    : t.verifiedNoLogin;
}

/** The verified name, account and how it was verified, with the photo on the left when there is one. */
function technicianBlock(
  doc: PDFKit.PDFDocument,
  tech: ReceiptTechnician,
  photo: Buffer | null,
  t: ReceiptPdfStrings,
  date: (iso: string | null) => string,
  width: number,
): void {
  const PHOTO = 72;
  const top = doc.y;
  const x = doc.page.margins.left;
  const textX = photo ? x + PHOTO + 14 : x;
  const textWidth = photo ? width - PHOTO - 14 : width;
  if (photo) doc.image(photo, x, top, { fit: [PHOTO, PHOTO], align: 'center', valign: 'center' });
  doc
    .font('bold')
    .fontSize(SIZE.h2 + 2)
    .fillColor(INK)
    .text(one(tech.displayName), textX, top, { width: textWidth });
  doc
    .font('regular')
    .fontSize(SIZE.body)
    .text(fill(t.account, { login: one(tech.login), role: t.roles[tech.role] }), textX, doc.y, { width: textWidth });
  doc.text(verification(tech, t, date), textX, doc.y, { width: textWidth });
  doc.x = x;
  doc.y = Math.max(doc.y, photo ? top + PHOTO + 4 : doc.y);
}

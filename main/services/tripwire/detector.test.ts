import { createCipheriv, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TripwireAlert, isWellFormedText, parseOrThrow } from '@vigie/common';
import { decide, initialState, isInside, type DetectorEffect, type DetectorEvent, type DetectorState } from './detector.js';
import { entropy, judge, looksText, magicOf, SAMPLE_BYTES, type FileSample } from './signals.js';

const ROOT = '/home/cabinet/Documents/Cabinet';
const T0 = Date.parse('2025-03-03T09:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** What the sampler would read of `content`: its first 4 KB, and 4 KB of its middle when it is large. */
function sample(content: Buffer): FileSample {
  const s: FileSample = { size: content.length, head: content.subarray(0, SAMPLE_BYTES) };
  if (content.length >= 4 * SAMPLE_BYTES)
    s.middle = content.subarray(Math.floor(content.length / 2), Math.floor(content.length / 2) + SAMPLE_BYTES);
  return s;
}

/** A real-looking scanned PDF: header, then a deflated (high-entropy) image stream. */
function pdf(bytes = 60_000): Buffer {
  const stream = deflateSync(randomBytes(bytes));
  return Buffer.concat([
    Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /XObject /Subtype /Image /Filter /FlateDecode >>\nstream\n'),
    stream,
    Buffer.from('\nendstream\nendobj\n%%EOF\n'),
  ]);
}
const docx = (bytes = 20_000) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(bytes)]);
const text = (lines = 400) =>
  Buffer.from(Array.from({ length: lines }, (_, i) => `Patient ${i};Consultation du ${i % 28}/03;Ordonnance renouvelée`).join('\n'));
/**
 * What ransomware leaves: AES output, the same bytes on every run (random bytes would start with
 * some two-byte signature once in ~13,000 draws and make a test pass or fail by chance).
 */
const encrypted = (size = 30_000, seed = 1) =>
  createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16)).update(Buffer.alloc(size));
/** Encrypted bytes that happen to start with `prefix` (one file in thousands does). */
const encryptedStartingWith = (prefix: number[], size = 30_000) => Buffer.concat([Buffer.from(prefix), encrypted(size - prefix.length)]);

class Run {
  state: DetectorState = initialState('test');
  effects: DetectorEffect[] = [];
  constructor(folders: string[] = [ROOT]) {
    this.feed({ type: 'folders', folders });
  }
  feed(e: DetectorEvent): DetectorEffect[] {
    const r = decide(this.state, e);
    this.state = r.state;
    this.effects.push(...r.effects);
    return r.effects;
  }
  write(at: number, path: string, content: Buffer) {
    return this.feed({ type: 'written', at, path, sample: sample(content) });
  }
  del(at: number, path: string) {
    return this.feed({ type: 'deleted', at, path });
  }
  get raised() {
    return this.effects.filter((e): e is Extract<DetectorEffect, { type: 'raise' }> => e.type === 'raise');
  }
}

describe('signals', () => {
  it('recognises document headers, measures entropy and text', () => {
    expect(magicOf(pdf())).toBe('pdf');
    expect(magicOf(docx())).toBe('zip');
    expect(magicOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(magicOf(Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]))).toBe('dicom');
    expect(magicOf(encrypted(64))).toBe(null);
    expect(entropy(Buffer.alloc(4096))).toBe(0);
    expect(entropy(randomBytes(SAMPLE_BYTES))).toBeGreaterThan(7.8);
    expect(entropy(text())).toBeLessThan(5);
    expect(looksText(Buffer.from('Compte rendu — échographie, ça va.'))).toBe(true);
    expect(looksText(randomBytes(2048))).toBe(false);
  });

  it('judges a file against what its name promises', () => {
    expect(judge('a.pdf', sample(pdf())).verdict).toBe('intact');
    expect(judge('a.pdf', sample(encrypted())).verdict).toBe('encrypted');
    expect(judge('a.pdf', sample(Buffer.alloc(20_000))).verdict).toBe('wiped');
    expect(judge('a.docx', sample(docx())).verdict).toBe('intact');
    // A .doc that is really RTF is some other real format, not ransomware output.
    expect(judge('a.doc', sample(Buffer.from('{\\rtf1\\ansi Bonjour}'))).verdict).toBe('intact');
    expect(judge('notes.txt', sample(text())).verdict).toBe('intact');
    expect(judge('notes.txt', sample(encrypted(5000))).verdict).toBe('encrypted');
    // Only the middle of a long text file encrypted (intermittent encryption).
    const t = text(4000);
    const partial = Buffer.concat([t.subarray(0, t.length / 2), randomBytes(8192), t.subarray(t.length / 2 + 8192)]);
    expect(judge('export.csv', sample(partial)).verdict).toBe('encrypted');
    // Only the head of a PDF encrypted.
    const p = pdf();
    expect(judge('scan.pdf', sample(Buffer.concat([encrypted(4096), p.subarray(4096)]))).verdict).toBe('encrypted');
    // Names that promise nothing: unreadable is « opaque », anything else unknown.
    expect(judge('a8f9e2c1', sample(encrypted())).verdict).toBe('opaque');
    expect(judge('index.idx', sample(text())).verdict).toBe('unknown');
    expect(judge('rapport.pdf.locked', sample(encrypted())).verdict).toBe('encrypted');
    expect(judge('vide.pdf', { size: 0, head: Buffer.alloc(0) }).verdict).toBe('unknown');
  });

  it('takes two bytes of chance for a header only when the name promises that format', () => {
    const MZ = [0x4d, 0x5a];
    const BM = [0x42, 0x4d];
    const GZIP = [0x1f, 0x8b];
    const UTF16LE = [0xff, 0xfe];
    for (const prefix of [MZ, BM, GZIP, UTF16LE, [0xfe, 0xff]]) {
      expect(judge('scan.pdf', sample(encryptedStartingWith(prefix))).verdict).toBe('encrypted');
      expect(judge('lettre.docx', sample(encryptedStartingWith(prefix))).verdict).toBe('encrypted');
      expect(judge('patients.csv', sample(encryptedStartingWith(prefix))).verdict).toBe('encrypted');
      expect(judge('a8f9e2c1', sample(encryptedStartingWith(prefix))).verdict).toBe('opaque');
    }
    // The promise kept: an image, an installer, an archive.
    expect(judge('radio.bmp', sample(encryptedStartingWith(BM))).verdict).toBe('intact');
    expect(judge('setup.exe', sample(encryptedStartingWith(MZ))).verdict).toBe('intact');
    expect(judge('export.gz', sample(encryptedStartingWith(GZIP))).verdict).toBe('intact');
    // Three bytes or more prove a format whatever the name (a .doc saved as JPEG is no ransomware).
    expect(judge('a.doc', sample(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), encrypted(10_000)]))).verdict).toBe('intact');
    // Real UTF-16 text (what Windows' Notepad and Excel's « Unicode text » write) stays intact, head and middle.
    const utf16 = Buffer.concat([Buffer.from(UTF16LE), Buffer.from(text(400).toString('utf8'), 'utf16le')]);
    expect(utf16.length).toBeGreaterThan(4 * SAMPLE_BYTES);
    expect(judge('export.txt', sample(utf16)).verdict).toBe('intact');
    const middle = Math.floor(utf16.length / 2);
    const utf16Half = Buffer.concat([utf16.subarray(0, middle), encrypted(8192), utf16.subarray(middle + 8192)]);
    expect(judge('export.txt', sample(utf16Half)).verdict).toBe('encrypted');
  });

  it('compares Windows paths without case and by whole names', () => {
    expect(isInside('C:\\Users\\Dr\\Documents\\Cabinet\\a.pdf', 'c:\\users\\dr\\documents\\cabinet')).toBe(true);
    expect(isInside('C:\\Users\\Dr\\Documents\\Cabinet2\\a.pdf', 'C:\\Users\\Dr\\Documents\\Cabinet')).toBe(false);
    expect(isInside('/home/a/Cabinet/x', '/home/a/Cabinet/')).toBe(true);
    expect(isInside('/home/a/Cabinet-old/x', '/home/a/Cabinet')).toBe(false);
  });
});

describe('canary files', () => {
  it('a control file rewritten raises the alert at once', () => {
    const r = new Run();
    r.feed({ type: 'canary', at: T0, path: `${ROOT}/.000 - Archives 2019.pdf`, change: 'changed' });
    expect(r.raised).toHaveLength(1);
    expect(r.raised[0]!.alert.reasons).toEqual(['canary']);
    expect(r.raised[0]!.alert.files[0]).toMatchObject({ path: `${ROOT}/.000 - Archives 2019.pdf`, kind: 'canary' });
    expect(() => TripwireAlert.parse(r.raised[0]!.alert)).not.toThrow();
  });

  it('a control file renamed (an extension appended) raises the alert', () => {
    const r = new Run();
    r.feed({ type: 'canary', at: T0, path: `${ROOT}/.000 - Archives 2019.pdf`, change: 'renamed' });
    expect(r.raised).toHaveLength(1);
  });

  it('one control file deleted alone is a tidy-up: no alert, it is put back', () => {
    const r = new Run();
    const effects = r.feed({ type: 'canary', at: T0, path: `${ROOT}/.000 - Archives 2019.pdf`, change: 'deleted' });
    expect(r.raised).toHaveLength(0);
    expect(effects).toEqual([{ type: 'replant', path: `${ROOT}/.000 - Archives 2019.pdf` }]);
  });

  it('control files deleted in two folders within minutes, or one deleted beside an encrypted file, raise it', () => {
    const r = new Run();
    r.feed({ type: 'canary', at: T0, path: `${ROOT}/.000 - Archives 2019.pdf`, change: 'deleted' });
    r.feed({ type: 'canary', at: T0 + 30_000, path: `${ROOT}/Patients/.000 - Archives 2019.pdf`, change: 'deleted' });
    expect(r.raised).toHaveLength(1);

    const r2 = new Run();
    r2.write(T0, `${ROOT}/Patients/dupont.pdf`, encrypted());
    r2.feed({ type: 'canary', at: T0 + 10 * MIN, path: `${ROOT}/.000 - Inventaire 2018.csv`, change: 'deleted' });
    expect(r2.raised.map((e) => e.alert.reasons)).toEqual([['canary']]);
  });
});

describe('rewrites with a jump in entropy', () => {
  it('five documents made unreadable within two minutes raise the alert; four do not', () => {
    const four = new Run();
    for (let i = 0; i < 4; i++) four.write(T0 + i * 10_000, `${ROOT}/Patients/p${i}.pdf`, encrypted());
    expect(four.raised).toHaveLength(0);

    const five = new Run();
    for (let i = 0; i < 5; i++) five.write(T0 + i * 10_000, `${ROOT}/Patients/p${i}.pdf`, encrypted());
    expect(five.raised).toHaveLength(1);
    const a = five.raised[0]!.alert;
    expect(a.reasons).toContain('burst');
    expect(a.fileCount).toBe(5);
    expect(a.firstChangeAt).toBe(new Date(T0).toISOString());
    expect(a.files.map((f) => f.kind)).toEqual(['encrypted', 'encrypted', 'encrypted', 'encrypted', 'encrypted']);
    expect(a.files[0]!.entropy).toBeGreaterThan(7.5);
  });

  it('the same file rewritten five times is one file', () => {
    const r = new Run();
    for (let i = 0; i < 5; i++) r.write(T0 + i * 1000, `${ROOT}/p.pdf`, encrypted());
    expect(r.raised).toHaveLength(0);
  });

  it('a slow attack (one file every 25 minutes) is caught over hours', () => {
    const r = new Run();
    for (let i = 0; i < 11; i++) r.write(T0 + i * 25 * MIN, `${ROOT}/Patients/p${i}.docx`, encrypted());
    expect(r.raised).toHaveLength(0);
    r.write(T0 + 11 * 25 * MIN, `${ROOT}/Patients/p11.docx`, encrypted());
    expect(r.raised.map((e) => e.alert.reasons)).toEqual([['slow']]);
  });

  it('files blanked (zeros written over them) count as destroyed', () => {
    const r = new Run();
    for (let i = 0; i < 5; i++) r.write(T0 + i * 1000, `${ROOT}/Images/radio${i}.jpg`, Buffer.alloc(50_000));
    expect(r.raised[0]!.alert.files.every((f) => f.kind === 'wiped')).toBe(true);
  });

  it('documents replaced by unreadable files under random names (encrypt to a copy, delete the original) count', () => {
    const r = new Run();
    for (let i = 0; i < 5; i++) {
      r.write(T0 + i * 1000, `${ROOT}/Courriers/${randomBytes(6).toString('hex')}`, encrypted());
      r.del(T0 + i * 1000 + 10, `${ROOT}/Courriers/lettre${i}.docx`);
    }
    expect(r.raised).toHaveLength(1);
    expect(r.raised[0]!.alert.files.map((f) => f.kind)).toEqual(['replaced', 'replaced', 'replaced', 'replaced', 'replaced']);
    expect(r.raised[0]!.alert.files[0]!.path).toBe(`${ROOT}/Courriers/lettre0.docx`);
  });
});

describe('ransom notes and extensions', () => {
  it('a ransom note with ransom words raises the alert', () => {
    const r = new Run();
    r.write(
      T0,
      `${ROOT}/HOW_TO_DECRYPT.txt`,
      Buffer.from(
        'All your files are encrypted. To get the decryption key, pay 0.5 bitcoin to the address below. Contact us on our .onion site.',
      ),
    );
    expect(r.raised.map((e) => e.alert.reasons)).toEqual([['note']]);
    expect(r.raised[0]!.alert.notes).toEqual([`${ROOT}/HOW_TO_DECRYPT.txt`]);
  });

  it('a note name alone is only corroboration; with one encrypted file it raises the alert', () => {
    const r = new Run();
    r.write(T0, `${ROOT}/restore_files.txt`, Buffer.from('Liste des dossiers à restaurer après le déménagement.'));
    expect(r.raised).toHaveLength(0);
    r.write(T0 + 20 * MIN, `${ROOT}/Patients/martin.pdf`, encrypted());
    expect(r.raised.map((e) => e.alert.reasons)).toEqual([['note']]);
  });

  it('ordinary read-me files are not notes', () => {
    const r = new Run();
    for (let i = 0; i < 20; i++)
      r.write(T0 + i, `${ROOT}/Logiciel ${i}/README.txt`, Buffer.from('Installation : lancez setup.exe. Licence : voir LICENCE.txt.'));
    r.write(T0 + 100, `${ROOT}/Patients/dupont.pdf`, encrypted());
    expect(r.raised).toHaveLength(0);
  });

  it('three files renamed to a ransomware extension within two minutes raise the alert', () => {
    const r = new Run();
    for (let i = 0; i < 3; i++) r.write(T0 + i * 1000, `${ROOT}/Compta/facture${i}.xlsx.lockbit`, docx());
    expect(r.raised.map((e) => e.alert.reasons)).toEqual([['extension']]);
    expect(r.raised[0]!.alert.extensions).toEqual(['lockbit']);
  });
});

describe("each backup's own counts", () => {
  const backup = (r: Run, at: number, n: { filesNew: number; filesChanged: number; filesUnmodified: number }) =>
    r.feed({ type: 'backup', at, snapshotId: `s${at}`, ...n });

  it('a backup far above the usual changes alone (folders reorganised) raises nothing; with two encrypted files it does', () => {
    const r = new Run();
    for (let d = 0; d < 10; d++)
      backup(r, T0 + d * 24 * HOUR, { filesNew: 20, filesChanged: 30 + (d % 3), filesUnmodified: 1970 + d * 20 });
    // 800 files moved into new folders: 800 gone, 800 new.
    backup(r, T0 + 10 * 24 * HOUR, { filesNew: 800, filesChanged: 25, filesUnmodified: 1355 });
    expect(r.state.backupAnomaly).toMatchObject({ touched: expect.any(Number) as number });
    expect(r.raised).toHaveLength(0);
    r.write(T0 + 10 * 24 * HOUR + HOUR, `${ROOT}/a.pdf`, encrypted());
    expect(r.raised).toHaveLength(0);
    r.write(T0 + 10 * 24 * HOUR + 2 * HOUR, `${ROOT}/b.pdf`, encrypted());
    expect(r.raised.map((e) => e.alert.reasons)).toEqual([['backup']]);
    expect(r.raised[0]!.alert.backup).toMatchObject({ filesNew: 800, usualTouched: 32 });
  });

  it('a backup with 2,000 new scanned documents is not abnormal (new files are not changed ones)', () => {
    const r = new Run();
    for (let d = 0; d < 5; d++) backup(r, T0 + d * 24 * HOUR, { filesNew: 10, filesChanged: 20, filesUnmodified: 2000 + d * 10 });
    backup(r, T0 + 5 * 24 * HOUR, { filesNew: 2000, filesChanged: 22, filesUnmodified: 2030 });
    expect(r.state.backupAnomaly).toBe(null);
  });
});

describe('benign bulk events never trip it', () => {
  it('importing 2,000 scanned PDFs in two minutes', () => {
    const r = new Run();
    for (let i = 0; i < 2000; i++) r.write(T0 + i * 60, `${ROOT}/Scans/2025-03/scan_${String(i).padStart(4, '0')}.pdf`, pdf(20_000));
    expect(r.raised).toHaveLength(0);
    expect(r.state.marks).toHaveLength(0);
  });

  it('a software update rewriting thousands of files in Program Files, outside the practice folders', () => {
    const r = new Run(['C:\\Users\\Dr\\Documents\\Cabinet']);
    for (let i = 0; i < 3000; i++) {
      const path = `C:\\Program Files\\Logiciel Médical\\lib\\module${i}.${i % 3 === 0 ? 'dll' : i % 3 === 1 ? 'dat' : 'pdf'}`;
      r.write(T0 + i * 20, path, encrypted(8000));
      if (i % 5 === 0) r.del(T0 + i * 20 + 5, path.replace('module', 'old'));
    }
    // Its executables inside the practice folder keep their header.
    for (let i = 0; i < 300; i++)
      r.write(
        T0 + 70_000 + i * 20,
        `C:\\Users\\Dr\\Documents\\Cabinet\\Logiciel\\bin\\m${i}.dll`,
        Buffer.concat([Buffer.from('MZ'), randomBytes(20_000)]),
      );
    expect(r.raised).toHaveLength(0);
  });

  it('a mail re-index rewriting its store and hundreds of index blobs', () => {
    const r = new Run();
    const box = `${ROOT}/Fichiers Outlook`;
    for (let pass = 0; pass < 5; pass++)
      r.write(T0 + pass * 1000, `${box}/archive.pst`, Buffer.concat([Buffer.from('!BDN'), randomBytes(200_000)]));
    for (let i = 0; i < 800; i++) {
      r.write(T0 + 5000 + i * 50, `${box}/index/${i}.idx`, encrypted(16_000));
      r.del(T0 + 5000 + i * 50 + 10, `${box}/index/old-${i}.idx`);
      r.write(T0 + 5000 + i * 50 + 20, `${box}/index/segment_${i}`, encrypted(8000));
    }
    expect(r.raised).toHaveLength(0);
  });
});

describe('the standing alert', () => {
  function attacked(): Run {
    const r = new Run();
    for (let i = 0; i < 5; i++) r.write(T0 + i * 1000, `${ROOT}/p${i}.pdf`, encrypted());
    return r;
  }

  it('gathers more evidence as the attack goes on, bounded', () => {
    const r = attacked();
    const evidence = r.write(T0 + 10_000, `${ROOT}/p5.pdf`, encrypted());
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ type: 'evidence', alert: { fileCount: 6 } });
    for (let i = 6; i < 400; i++) r.write(T0 + 10_000 + i, `${ROOT}/p${i}.pdf`, encrypted(2000));
    const a = r.state.alert!;
    expect(a.fileCount).toBe(400);
    expect(a.files).toHaveLength(200);
    expect(a.files[0]!.path).toBe(`${ROOT}/p0.pdf`);
    expect(r.raised).toHaveLength(1);
  });

  it('takes the last good snapshot for its own id only, and ends on a lift of its own id', () => {
    const r = attacked();
    const id = r.state.alert!.id;
    r.feed({ type: 'snapshot', alertId: 'other', snapshot: { id: 'x', time: new Date(T0).toISOString() } });
    expect(r.state.alert!.lastGoodSnapshot).toBe(null);
    r.feed({ type: 'snapshot', alertId: id, snapshot: { id: 'abc123', time: new Date(T0 - HOUR).toISOString() } });
    expect(r.state.alert!.lastGoodSnapshot).toEqual({ id: 'abc123', time: new Date(T0 - HOUR).toISOString() });
    expect(r.feed({ type: 'lift', at: T0 + HOUR, alertId: 'other' })).toEqual([]);
    expect(r.feed({ type: 'lift', at: T0 + HOUR, alertId: id })).toEqual([{ type: 'lifted', alertId: id }]);
    expect(r.state.alert).toBe(null);
    // What the attack left is known: the next alert needs new evidence, and gets a new id.
    r.write(T0 + 2 * HOUR, `${ROOT}/q.pdf`, encrypted());
    expect(r.state.alert).toBe(null);
    for (let i = 0; i < 5; i++) r.write(T0 + 3 * HOUR + i, `${ROOT}/z${i}.pdf`, encrypted());
    expect(r.raised.map((e) => e.alert.id)).toEqual(['test-1', 'test-2']);
  });

  it('never throws on odd input and does not change the state it is given', () => {
    const r = new Run();
    const before = JSON.stringify(r.state);
    const frozen = r.state;
    decide(frozen, { type: 'written', at: T0, path: `${ROOT}/x.pdf`, sample: { size: 10, head: new Uint8Array(0) } });
    decide(frozen, { type: 'written', at: Number.NaN, path: '', sample: { size: 0, head: new Uint8Array(0) } });
    decide(frozen, { type: 'deleted', at: T0, path: '\u0000' });
    decide(frozen, { type: 'backup', at: T0, snapshotId: null, filesNew: 0, filesChanged: 0, filesUnmodified: 0 });
    expect(JSON.stringify(frozen)).toBe(before);
  });
});

describe('evidence the hub accepts', () => {
  it('carries file names as well-formed text of bounded length (a Windows name may hold a lone surrogate)', () => {
    const r = new Run(['C:\\Users\\Dr\\Documents']);
    const odd = `C:\\Users\\Dr\\Documents\\Patients\\bad\uD800name${'x'.repeat(1100)}\uD83D\uDE00.pdf`;
    for (let i = 0; i < 5; i++) r.write(T0 + i, `${odd}${i}.pdf`, encrypted());
    const a = r.raised[0]!.alert;
    expect(a.files).toHaveLength(5);
    for (const f of a.files) {
      expect(f.path.length).toBeLessThanOrEqual(1024);
      expect(f.path).toContain('bad\uFFFDname');
      expect(isWellFormedText(f.path)).toBe(true);
    }
    expect(() => parseOrThrow(TripwireAlert, a)).not.toThrow();
  });
});

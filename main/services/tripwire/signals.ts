/**
 * What a sampled file says about itself, as pure functions: its type from its first bytes, the
 * type its name promises, the entropy of the sample, whether it reads as text, and from those the
 * verdict « intact », « destroyed » (encrypted or blanked) or « unknown ». Ransom-note names and
 * words and ransomware extensions are in ransom-names.ts. No I/O: the sampler (sampler.ts) reads the bytes.
 */

/** What the sampler read of one file: its size, its first bytes, and a slice of its middle when it is large. */
export interface FileSample {
  size: number;
  head: Uint8Array;
  middle?: Uint8Array;
}

/** Bytes read at the start and in the middle of a file (a few KB: never the whole file). */
export const SAMPLE_BYTES = 4096;
/** Files at least this big also get a slice of their middle read. */
export const MIDDLE_FROM_BYTES = 4 * SAMPLE_BYTES;

export type Magic =
  | 'pdf'
  | 'zip'
  | 'ole'
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'tiff'
  | 'bmp'
  | 'rtf'
  | 'dicom'
  | 'sqlite'
  | 'pst'
  | 'gzip'
  | '7z'
  | 'rar'
  | 'exe'
  | 'elf'
  | 'macho'
  | 'mp4'
  | 'webp'
  | 'heic'
  | 'xml'
  | 'bom-text';

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const SIGNATURES: Array<[Magic, readonly number[], number?]> = [
  ['pdf', ascii('%PDF-')],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['ole', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['gif', ascii('GIF8')],
  ['tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['tiff', [0x4d, 0x4d, 0x00, 0x2a]],
  ['bmp', ascii('BM')],
  ['rtf', ascii('{\\rtf')],
  ['dicom', ascii('DICM'), 128],
  ['sqlite', ascii('SQLite format 3\0')],
  ['pst', ascii('!BDN')],
  ['gzip', [0x1f, 0x8b]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', ascii('Rar!')],
  ['exe', ascii('MZ')],
  ['elf', [0x7f, 0x45, 0x4c, 0x46]],
  ['macho', [0xcf, 0xfa, 0xed, 0xfe]],
  ['macho', [0xca, 0xfe, 0xba, 0xbe]],
  ['mp4', ascii('ftyp'), 4],
  ['webp', ascii('WEBP'), 8],
  ['xml', ascii('<?xml')],
  ['bom-text', [0xef, 0xbb, 0xbf]],
  ['bom-text', [0xff, 0xfe]],
  ['bom-text', [0xfe, 0xff]],
];

/** The format the first bytes announce, or null when none is recognised. */
export function magicOf(head: Uint8Array): Magic | null {
  return signatureOf(head)?.magic ?? null;
}

/**
 * The signature the first bytes match. A signature of two bytes (`MZ`, `BM`, gzip, UTF-16 byte
 * order marks) is weak evidence: one encrypted file in about 13,000 starts with one of them by chance.
 */
function signatureOf(head: Uint8Array): { magic: Magic; weak: boolean } | null {
  for (const [magic, sig, at] of SIGNATURES) if (startsWith(head, sig, at ?? 0)) return { magic, weak: sig.length < 3 };
  return null;
}

/**
 * The format the head proves: a signature of three bytes or more, or a two-byte one the name
 * promises (a `.bmp` starting with `BM`). A `.pdf` now starting with `MZ` proves nothing: its
 * bytes are judged on their entropy like any other headerless content.
 */
function provenFormat(head: Uint8Array, promised: readonly Magic[]): Magic | null {
  const sig = signatureOf(head);
  if (!sig) return null;
  return !sig.weak || promised.includes(sig.magic) ? sig.magic : null;
}

/** Shannon entropy in bits per byte (0 for constant content, close to 8 for random or encrypted bytes). */
export function entropy(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const counts = new Uint32Array(256);
  for (const b of bytes) counts[b]!++;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / bytes.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True when the bytes read as text: valid UTF-8 (a sequence cut at the end of the sample is fine)
 * with almost no control characters besides tab, CR, LF and form feed.
 */
export function looksText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  let control = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
      i++;
      continue;
    }
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (len === 0) return false;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length) return control <= bytes.length * 0.02; // cut by the sample
      if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
    }
    i += len;
  }
  return control <= bytes.length * 0.02;
}

/** The type a file's extension promises: a binary format (its magic), plain text, or nothing known. */
export type Expected = { kind: 'binary'; magics: readonly Magic[] } | { kind: 'text' } | null;

const bin = (...magics: Magic[]): Expected => ({ kind: 'binary', magics });
const TEXT: Expected = { kind: 'text' };

/** Extensions of the documents a practice keeps, and what their content must start with. */
const EXPECTED: Record<string, Expected> = {
  pdf: bin('pdf'),
  docx: bin('zip'),
  xlsx: bin('zip'),
  pptx: bin('zip'),
  docm: bin('zip'),
  xlsm: bin('zip'),
  odt: bin('zip'),
  ods: bin('zip'),
  odp: bin('zip'),
  zip: bin('zip'),
  epub: bin('zip'),
  doc: bin('ole', 'rtf', 'xml'),
  xls: bin('ole', 'xml'),
  ppt: bin('ole'),
  msg: bin('ole'),
  jpg: bin('jpeg'),
  jpeg: bin('jpeg'),
  png: bin('png'),
  gif: bin('gif'),
  tif: bin('tiff'),
  tiff: bin('tiff'),
  bmp: bin('bmp'),
  heic: bin('mp4', 'heic'),
  webp: bin('webp'),
  mp4: bin('mp4'),
  mov: bin('mp4'),
  dcm: bin('dicom'),
  sqlite: bin('sqlite'),
  db: bin('sqlite'),
  pst: bin('pst'),
  ost: bin('pst'),
  gz: bin('gzip'),
  '7z': bin('7z'),
  rar: bin('rar'),
  exe: bin('exe'),
  dll: bin('exe'),
  rtf: bin('rtf'),
  txt: TEXT,
  csv: TEXT,
  tsv: TEXT,
  md: TEXT,
  log: TEXT,
  xml: TEXT,
  html: TEXT,
  htm: TEXT,
  json: TEXT,
  ini: TEXT,
  eml: TEXT,
  ics: TEXT,
  vcf: TEXT,
  hl7: TEXT,
  hpr: TEXT,
  hprim: TEXT,
};

/** Last extension of a name, lower case, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/**
 * What the name promises. An unknown extension appended to a known one (`rapport.pdf.locked`) is
 * the usual ransomware rename: the inner extension is the promise, the outer one is returned as
 * `appended`.
 */
export function expectedOf(name: string): { expected: Expected; appended: string | null } {
  const base = baseName(name);
  const ext = extensionOf(base);
  const known = EXPECTED[ext];
  if (known !== undefined) return { expected: known, appended: null };
  if (!ext) return { expected: null, appended: null };
  const inner = extensionOf(base.slice(0, base.length - ext.length - 1));
  const innerKnown = EXPECTED[inner];
  return innerKnown !== undefined ? { expected: innerKnown, appended: ext } : { expected: null, appended: null };
}

/** Above this, a sample without a recognised header is taken for encrypted or compressed-without-header bytes. */
export const HIGH_ENTROPY = 7.2;
/** Below this the sample is (nearly) one byte repeated: zeros written over the file. */
export const BLANK_ENTROPY = 0.5;

export type Verdict =
  /** Matches the promise of its name (or is some other recognised format). */
  | 'intact'
  /** Promised a known type, now high-entropy bytes without any header. */
  | 'encrypted'
  /** Promised a known type, now one byte repeated. */
  | 'wiped'
  /** No promise, and unreadable: high-entropy bytes without any header. */
  | 'opaque'
  /** Nothing can be said (empty, no promise, or neither clearly fine nor clearly destroyed). */
  | 'unknown';

export interface Judgement {
  verdict: Verdict;
  /** Entropy of the sample (the higher of head and middle). */
  entropy: number;
  magic: Magic | null;
  /** Extension added to a known one (`locked` in `rapport.pdf.locked`). */
  appended: string | null;
}

/** The verdict on one file from its name and a sample of its content. */
export function judge(name: string, sample: FileSample): Judgement {
  const { expected, appended } = expectedOf(name);
  const magic = magicOf(sample.head);
  const proven = provenFormat(sample.head, expected?.kind === 'binary' ? expected.magics : []);
  const hHead = entropy(sample.head);
  const hMid = sample.middle ? entropy(sample.middle) : null;
  const h = Math.max(hHead, hMid ?? 0);
  const out = (verdict: Verdict): Judgement => ({ verdict, entropy: Math.round(h * 100) / 100, magic, appended });
  if (sample.size === 0 || sample.head.length === 0) return out('unknown');
  const blank = hHead < BLANK_ENTROPY && (hMid === null || hMid < BLANK_ENTROPY) && sample.head.length >= 64;
  if (expected === null) {
    if (proven === null && hHead >= HIGH_ENTROPY && !looksText(sample.head)) return out('opaque');
    return out('unknown');
  }
  if (expected.kind === 'binary') {
    // Any recognised format is not ransomware output (a .doc that is really RTF, a .xls saved as XML).
    if (proven !== null) return out('intact');
    if (blank) return out('wiped');
    if (hHead >= HIGH_ENTROPY) return out('encrypted');
    return out('unknown');
  }
  // Text: both slices must read as text (a text file encrypted after its first KB is still caught).
  // UTF-16 text (a byte order mark, then a zero byte in every other place) never reads as UTF-8
  // but stays far from random; two bytes of mark before random bytes are chance, not text.
  const utf16 = magic === 'bom-text' && sample.head[0] !== 0xef && hHead < HIGH_ENTROPY - 0.7;
  const headText = utf16 || magic === 'xml' || looksText(sample.head);
  const midText = !sample.middle || looksText(sample.middle) || (utf16 && entropy(sample.middle) < HIGH_ENTROPY - 0.7);
  if (headText && midText) return out('intact');
  if (proven !== null && proven !== 'bom-text' && proven !== 'xml') return out('intact');
  if (blank) return out('wiped');
  if (h >= HIGH_ENTROPY - 0.7) return out('encrypted');
  return out('unknown');
}

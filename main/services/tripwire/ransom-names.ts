/**
 * What ransomware leaves behind, by name and words (pure): the names its notes take, the words a
 * note holds, and the extensions families append to the files they encrypt. signals.ts judges the
 * files' content.
 */
import { baseName, expectedOf, extensionOf } from './signals.js';

const NOTE_EXT = new Set(['txt', 'html', 'htm', 'hta', 'rtf', 'url', 'lnk', 'md']);
const NOTE_NAMES: readonly RegExp[] = [
  /decrypt/,
  /ransom/,
  /encrypted/,
  /(recover|restore|return|back)[-_ ]?(my|your|all|the)?[-_ ]?(files|data|documents)/,
  /how[-_ ]?to[-_ ]?(back|get|restore|recover|decrypt|unlock)/,
  /^[!#_+-]+ ?read[-_ ]?me ?[!#_+-]*\./,
  /^_readme\.txt$/,
  /\.readme\.txt$/,
  /read[-_ ]?me[-_ ]?(now|first|important|!)/,
  /ryuk ?readme/,
  /(conti|lockbit|akira|blackcat|hive|clop|cl0p|royal|medusa|phobos|dharma|makop|babuk|avos)[-_ ]?(readme|read[-_]me|note|info)/,
  /files[-_ ]?encrypted/,
  /fichiers[-_ ]?(chiffr|crypt)/,
  /(dechiffr|déchiffr|recuperer|récupérer)[-_ ]?(vos|mes|les)?[-_ ]?fichiers/,
];

/** True when the file name is one a ransom note uses. */
export function isNoteName(path: string): boolean {
  const base = baseName(path).toLowerCase();
  if (!NOTE_EXT.has(extensionOf(base))) return false;
  return NOTE_NAMES.some((re) => re.test(base));
}

const NOTE_WORDS: readonly string[] = [
  'bitcoin',
  'btc',
  'monero',
  'xmr',
  '.onion',
  'tor browser',
  'decrypt',
  'decryption',
  'encrypted',
  'private key',
  'ransom',
  'payment',
  'pay ',
  'chiffré',
  'déchiffr',
  'rançon',
  'paiement',
];

/** How many distinct ransom words the start of a note holds (2 or more: a ransom note). */
export function noteWords(head: Uint8Array): number {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).toLowerCase();
  return NOTE_WORDS.filter((w) => text.includes(w)).length;
}

/** Extensions ransomware families append (distinctive ones only: a user never picks these). */
const RANSOM_EXTENSIONS = new Set([
  'locked',
  'encrypted',
  'enc',
  'crypt',
  'crypted',
  'crypto',
  'cry',
  'lockbit',
  'conti',
  'ryk',
  'ryuk',
  'wncry',
  'wnry',
  'wcry',
  'cerber',
  'locky',
  'zepto',
  'djvu',
  'phobos',
  'dharma',
  'makop',
  'medusa',
  'akira',
  'royal',
  'babyk',
  'hive',
  'clop',
  'cl0p',
  'revil',
  'sodinokibi',
  'maze',
  'egregor',
  'ragnar',
  'avos',
  'avoslocker',
  'blackcat',
  'alphv',
  'basta',
  'play',
  'rhysida',
  'lockfile',
  'vvv',
  'ccc',
  'zzz',
  'xxx',
  'micro',
  'ecc',
  'ezz',
  'exx',
  'aaa',
  'abc',
  'xyz',
  'pays',
  'paym',
  'paymst',
  'payms',
  'ransom',
  'kraken',
  'darkness',
  'nochance',
  'oops',
]);

/** The appended extension when it is a known ransomware one (`locked` in `rapport.pdf.locked`), else null. */
export function ransomExtension(path: string): string | null {
  const { appended } = expectedOf(path);
  if (appended && RANSOM_EXTENSIONS.has(appended)) return appended;
  // Some families replace the extension altogether.
  const ext = extensionOf(path);
  return RANSOM_EXTENSIONS.has(ext) && ext.length >= 4 ? ext : null;
}

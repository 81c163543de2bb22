/**
 * The hub key: 32 random bytes kept OUTSIDE the data folder (a copy or a theft of the data folder
 * does not carry it). From it, by HKDF, the audit chain's HMAC key (rows and signed checkpoints)
 * and the key that seals TOTP secrets at rest (AES-256-GCM).
 *
 * Where: `VIGIE_KEY_FILE` (or createHub's `keyFile`), else `<dataDir>.key` beside the data folder
 * (`./.vigie-data` → `./.vigie-data.key`). Never from hub.json: that file lives in the data folder,
 * and whoever can write there must not be able to point the hub at a key of their own.
 * Created at first start (0600, never replacing an existing file); a looser mode is tightened at every start.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  randomBytes,
  sign,
  timingSafeEqual,
} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

const KEY_BYTES = 32;

export class HubKeyError extends Error {
  override name = 'HubKeyError';
}

export interface HubKey {
  /** Where the key was read from (or created). */
  file: string;
  /** Public fingerprint of the key (16 hex): stored beside the audit chain to tell a wrong key from tampering. */
  id: string;
  /** HMAC-SHA256 (hex) under the audit key. */
  auditMac(message: string): string;
  /** Constant-time comparison of two hex MACs. */
  macEquals(a: string, b: string): boolean;
  /** AES-256-GCM under the TOTP key, bound to `context` (the technician's id): `v1.<iv>.<ciphertext>.<tag>` (base64url). */
  seal(plain: string, context: string): string;
  /** Opens what `seal` produced for the same context; throws HubKeyError when it does not open. */
  open(sealed: string, context: string): string;
  /** Signs intervention receipts (server/src/receipts): Ed25519, derived from the hub key, nothing more to keep. */
  receipts: ReceiptSigningKey;
}

export interface ReceiptSigningKey {
  /** The public key, raw (32 bytes). */
  publicKey: Buffer;
  /** The public key as SPKI PEM (`openssl pkeyutl -verify -pubin -inkey …`). */
  spkiPem: string;
  /** Public fingerprint (16 hex): SHA-256 of the raw public key. */
  id: string;
  /** Ed25519 signature of the UTF-8 message, base64. */
  sign(message: string): string;
}

/** PKCS#8 DER prefix of an Ed25519 private key: the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function receiptKeyFrom(seed: Buffer): ReceiptSigningKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const pub = createPublicKey(privateKey);
  const publicKey = (pub.export({ format: 'der', type: 'spki' }) as Buffer).subarray(-32);
  return {
    publicKey,
    spkiPem: pub.export({ format: 'pem', type: 'spki' }).toString(),
    id: createHash('sha256').update(publicKey).digest('hex').slice(0, 16),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
  };
}

/** `<dataDir>.key`: beside the data folder, never inside it. */
export const defaultKeyFile = (dataDir: string): string => `${dataDir.replace(/[\\/]+$/, '')}.key`;

const subkey = (master: Buffer, info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));

function fromMaster(master: Buffer, file: string): HubKey {
  const audit = subkey(master, 'vigie hub audit chain v1');
  const totp = subkey(master, 'vigie hub totp seal v1');
  const id = createHmac('sha256', master).update('vigie hub key id').digest('hex').slice(0, 16);
  return {
    file,
    id,
    receipts: receiptKeyFrom(subkey(master, 'vigie hub receipt signing v1')),
    auditMac: (message) => createHmac('sha256', audit).update(message, 'utf8').digest('hex'),
    macEquals: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
    seal(plain, context) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', totp, iv);
      c.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv.toString('base64url'), ct.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [v, iv, ct, tag] = sealed.split('.');
      if (v !== 'v1' || !iv || ct === undefined || !tag) throw new HubKeyError('sealed value in an unknown format');
      // The full 16-byte tag (and the 12-byte IV seal uses): GCM would otherwise check a truncated
      // tag — 4 bytes left a 1-in-2^32 forgery per try.
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new HubKeyError('sealed value in an unknown format');
      try {
        const d = createDecipheriv('aes-256-gcm', totp, ivBytes, { authTagLength: 16 });
        d.setAAD(Buffer.from(context, 'utf8'));
        d.setAuthTag(tagBytes);
        return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
      } catch {
        throw new HubKeyError('sealed value does not open with this hub key');
      }
    },
  };
}

function parseKeyFile(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new HubKeyError(`${file}: not a Vigie hub key (${KEY_BYTES} bytes in base64 expected)`);
  return key;
}

/**
 * Reads the hub key at `file`, creating it (0600, exclusive: two processes starting together get
 * the same key) when it does not exist yet.
 */
export function loadOrCreateHubKey(file: string): HubKey {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    // Written whole under a temporary name, then linked into place: link() never replaces, so two
    // processes starting together end up with the same key and nobody reads a half-written file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, `${randomBytes(KEY_BYTES).toString('base64')}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new HubKeyError(
          `cannot create the hub key ${file} (${(e as Error).message}); set VIGIE_KEY_FILE to a writable path outside the data folder`,
        );
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new HubKeyError(`cannot read the hub key ${file} (${(e as Error).message})`);
  }
  return fromMaster(parseKeyFile(text, file), file);
}

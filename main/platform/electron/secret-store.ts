import type { SafeStorage } from 'electron';
import { VigieError } from '@vigie/common';
import { FileSecretStore, type SecretCodec } from '../node/secret-store.js';
import type { Logger } from '../ports.js';

/** Values encrypted by Electron safeStorage (macOS Keychain, Windows DPAPI, libsecret/kwallet), stored base64. */
export function safeStorageCodec(safeStorage: SafeStorage, logger?: Logger): SecretCodec {
  return {
    backend: process.platform === 'linux' ? `safeStorage:${safeStorage.getSelectedStorageBackend()}` : `safeStorage:${process.platform}`,
    encode(value) {
      if (!safeStorage.isEncryptionAvailable()) throw new VigieError('UNAVAILABLE', 'Le trousseau du système est indisponible.');
      return safeStorage.encryptString(value).toString('base64');
    },
    decode(stored) {
      try {
        return safeStorage.decryptString(Buffer.from(stored, 'base64'));
      } catch (e) {
        logger?.error('secret could not be decrypted', { err: e });
        return null;
      }
    },
  };
}

/** False where the OS keychain is missing (some Linux desktops): the shell then falls back to a plain 0600 file. */
export function safeStorageAvailable(safeStorage: SafeStorage): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text';
  return true;
}

/** The SecretStore of the Electron app: a 0600 file of safeStorage-encrypted values. */
export function createSafeStorageSecretStore(path: string, safeStorage: SafeStorage, logger?: Logger): FileSecretStore {
  return new FileSecretStore(path, logger, safeStorageCodec(safeStorage, logger));
}

/**
 * Seals the station key with the OS keystore through Electron's safeStorage (DPAPI on Windows,
 * Keychain on macOS, libsecret/kwallet on Linux), so a copied registry file is useless without
 * the account that created it. Browser mode and tests use the 0600 key file instead
 * (main/station/secrets.ts FileKeySealer). Electron's object is injected, so this is unit-tested
 * in plain Node with a fake.
 */
import type { SecretSealer } from '../station/secrets';

/** The part of Electron's `safeStorage` this needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keystore — the "encryption" is a fixed, public key. */
  getSelectedStorageBackend?(): string;
}

export const SAFE_STORAGE_SEALER = 'safeStorage';

/**
 * The safeStorage sealer, or undefined when the OS offers no real keystore (then the caller
 * falls back to the key file, which at least is 0600 and separate from the registry).
 */
export function safeStorageSealer(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): SecretSealer | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return undefined;
  }
  return {
    name: SAFE_STORAGE_SEALER,
    seal: (plain) => safeStorage.encryptString(plain.toString('base64')),
    unseal: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
  };
}

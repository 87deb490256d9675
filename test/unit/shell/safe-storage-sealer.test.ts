import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  safeStorageSealer,
  type SafeStorageLike,
} from '../../../main/electron/safe-storage-sealer';
import { openStation } from '../../../main/station';

/** A stand-in for Electron's safeStorage: reversible, but not the identity. */
function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from([...Buffer.from(s, 'utf8')].map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
  };
}

describe('safeStorage sealer (desktop app)', () => {
  it('round-trips the station key and never returns it in clear', () => {
    const sealer = safeStorageSealer(fakeSafeStorage(), 'linux');
    expect(sealer?.name).toBe('safeStorage');
    const key = Buffer.alloc(32, 7);
    const sealed = sealer!.seal(key);
    expect(sealed.includes(key)).toBe(false);
    expect(sealer!.unseal(sealed).equals(key)).toBe(true);
  });

  it('is not used where the OS has no keystore (Linux basic_text, or unavailable)', () => {
    expect(safeStorageSealer(fakeSafeStorage('basic_text'), 'linux')).toBeUndefined();
    expect(safeStorageSealer(fakeSafeStorage('gnome_libsecret', false), 'win32')).toBeUndefined();
    expect(safeStorageSealer(fakeSafeStorage('basic_text'), 'darwin')).toBeDefined();
  });

  it('a station opened with it reopens with it, and refuses a different sealer', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ks-sealer-'));
    const sealer = safeStorageSealer(fakeSafeStorage(), 'linux')!;
    openStation({ dataDir, demo: true, secretSealer: sealer }).close();
    const again = openStation({ dataDir, secretSealer: sealer });
    expect(again.checkIntegrity()).toBe(true);
    again.close();
    expect(() => openStation({ dataDir })).toThrow(/safeStorage/);
  });
});

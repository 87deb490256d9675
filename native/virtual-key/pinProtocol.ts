/**
 * Authenticator side of PIN/UV auth protocols 1 and 2 (CTAP 2.1 §6.5.6, §6.5.7).
 * Each instance owns its key-agreement key pair; `initialize()` (power-up, PIN mismatch)
 * regenerates it.
 */
import {
  CoseAlg,
  aesCbcDecrypt,
  aesCbcEncrypt,
  constantTimeEqual,
  hkdfSha256,
  hmacSha256,
  p256Ecdh,
  p256FromScalar,
  randomP256Scalar,
  sha256,
  type P256Key,
} from './keys';
import type { RandomSource } from './rng';

export type PinProtocolVersion = 1 | 2;

/** Thrown when the platform's key-agreement COSE key is malformed or not on the curve. */
export class KeyAgreementError extends Error {}

export class PinUvAuthProtocol {
  private keyAgreement: P256Key;
  constructor(
    readonly version: PinProtocolVersion,
    private readonly rng: RandomSource,
  ) {
    this.keyAgreement = p256FromScalar(randomP256Scalar(rng));
  }

  /** regenerate(): a new key-agreement key pair. */
  regenerate(): void {
    this.keyAgreement = p256FromScalar(randomP256Scalar(this.rng));
  }

  /** getPublicKey(): COSE_Key with alg -25 (ECDH-ES+HKDF-256) for both protocols (§6.5.6). */
  getPublicKey(): Map<number, number | Uint8Array> {
    return new Map<number, number | Uint8Array>([
      [1, 2],
      [3, CoseAlg.ECDH_ES_HKDF_256],
      [-1, 1],
      [-2, this.keyAgreement.x],
      [-3, this.keyAgreement.y],
    ]);
  }

  /** decapsulate(peerCoseKey) → shared secret (32 bytes for v1, 64 for v2). */
  decapsulate(peer: unknown): Uint8Array {
    if (!(peer instanceof Map)) throw new KeyAgreementError('keyAgreement is not a map');
    const kty = peer.get(1);
    const crv = peer.get(-1);
    const x = peer.get(-2);
    const y = peer.get(-3);
    if (kty !== 2 || crv !== 1 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
      throw new KeyAgreementError('keyAgreement is not a P-256 EC2 key');
    }
    let z: Uint8Array;
    try {
      z = p256Ecdh(this.keyAgreement.d, x, y);
    } catch {
      throw new KeyAgreementError('keyAgreement point is not on P-256');
    }
    if (this.version === 1) return sha256(z);
    // v2 KDF: HKDF-SHA-256(salt = 32 zero bytes, Z, info) → HMAC key ‖ AES key.
    const salt = new Uint8Array(32);
    const hmacKey = hkdfSha256(z, salt, 'CTAP2 HMAC key', 32);
    const aesKey = hkdfSha256(z, salt, 'CTAP2 AES key', 32);
    const out = new Uint8Array(64);
    out.set(hmacKey, 0);
    out.set(aesKey, 32);
    return out;
  }

  encrypt(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.version === 1)
      return aesCbcEncrypt(key.subarray(0, 32), new Uint8Array(16), plaintext);
    const iv = this.rng.bytes(16);
    const ct = aesCbcEncrypt(key.subarray(32, 64), iv, plaintext);
    const out = new Uint8Array(16 + ct.length);
    out.set(iv, 0);
    out.set(ct, 16);
    return out;
  }

  /** decrypt(); undefined for a ciphertext of impossible length (§6.5.6/§6.5.7 "error"). */
  decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
    if (this.version === 1) {
      if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) return undefined;
      return aesCbcDecrypt(key.subarray(0, 32), new Uint8Array(16), ciphertext);
    }
    if (ciphertext.length < 32 || ciphertext.length % 16 !== 0) return undefined;
    return aesCbcDecrypt(key.subarray(32, 64), ciphertext.subarray(0, 16), ciphertext.subarray(16));
  }

  /**
   * authenticate(key, message): v1 = LEFT(HMAC-SHA-256, 16); v2 = HMAC-SHA-256 with the
   * first 32 bytes of the key (the HMAC half of a shared secret, or the whole token).
   */
  authenticate(key: Uint8Array, message: Uint8Array): Uint8Array {
    if (this.version === 1) return hmacSha256(key, message).subarray(0, 16);
    return hmacSha256(key.subarray(0, 32), message);
  }

  verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const expected = this.authenticate(key, message);
    return constantTimeEqual(expected, signature);
  }
}

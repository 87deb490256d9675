/**
 * Key material for the virtual key, on node:crypto only. Private keys are kept as raw
 * 32-byte values (P-256 scalar, Ed25519 seed) so they can be wrapped into credential IDs and
 * derived deterministically from a seeded RandomSource.
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  sign,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { signP256Deterministic } from './ecdsa';
import type { RandomSource } from './rng';

/** COSE algorithm identifiers (RFC 9053 / IANA). */
export const CoseAlg = { ES256: -7, EdDSA: -8, ECDH_ES_HKDF_256: -25 } as const;
export type CredentialAlg = typeof CoseAlg.ES256 | typeof CoseAlg.EdDSA;

/** Order n of the P-256 group (SEC 2 §2.4.2). */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** PKCS#8 prefix for an Ed25519 private key (RFC 8410 §7), followed by the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: string,
  length: number,
): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), length));
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fresh P-256 private scalar in [1, n-1] (rejection sampling). */
export function randomP256Scalar(rng: RandomSource): Uint8Array {
  for (;;) {
    const d = rng.bytes(32);
    const v = BigInt('0x' + Buffer.from(d).toString('hex'));
    if (v > 0n && v < P256_N) return d;
  }
}

export interface P256Key {
  readonly d: Uint8Array;
  /** Uncompressed point 04‖x‖y. */
  readonly point: Uint8Array;
  readonly x: Uint8Array;
  readonly y: Uint8Array;
  readonly privateKey: KeyObject;
}

export function p256FromScalar(d: Uint8Array): P256Key {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(d));
  const point = new Uint8Array(ecdh.getPublicKey());
  const x = point.slice(1, 33);
  const y = point.slice(33, 65);
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64u(d), x: b64u(x), y: b64u(y) },
    format: 'jwk',
  });
  return { d, point, x, y, privateKey };
}

/** ECDH on P-256: the x-coordinate of d·Q (SEC 1 §3.3.1). Throws if Q is not on the curve. */
export function p256Ecdh(d: Uint8Array, peerX: Uint8Array, peerY: Uint8Array): Uint8Array {
  if (peerX.length !== 32 || peerY.length !== 32) throw new Error('bad point size');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(d));
  const peer = Buffer.concat([Buffer.from([4]), peerX, peerY]);
  return new Uint8Array(ecdh.computeSecret(peer));
}

export interface Ed25519Key {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519Key {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { seed, publicKey: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')), privateKey };
}

/** A credential key pair: private bytes (for wrapping) + COSE public key + signer. */
export interface CredentialKey {
  readonly alg: CredentialAlg;
  readonly privateBytes: Uint8Array;
  readonly cosePublicKey: Map<number, number | Uint8Array>;
  sign(data: Uint8Array): Uint8Array;
}

/** @param deterministic ES256 with RFC 6979 nonces (seeded mode) instead of random ones. */
export function credentialKeyFromBytes(
  alg: CredentialAlg,
  privateBytes: Uint8Array,
  deterministic = false,
): CredentialKey {
  if (alg === CoseAlg.ES256) {
    const k = p256FromScalar(privateBytes);
    return {
      alg,
      privateBytes,
      // COSE_Key EC2 (RFC 9053 §7.1.1): kty 2, alg -7, crv 1 (P-256), x, y.
      cosePublicKey: new Map<number, number | Uint8Array>([
        [1, 2],
        [3, CoseAlg.ES256],
        [-1, 1],
        [-2, k.x],
        [-3, k.y],
      ]),
      sign: (data) =>
        deterministic
          ? signP256Deterministic(privateBytes, data)
          : new Uint8Array(sign('sha256', data, { key: k.privateKey, dsaEncoding: 'der' })),
    };
  }
  const k = ed25519FromSeed(privateBytes);
  return {
    alg,
    privateBytes,
    // COSE_Key OKP (RFC 9053 §7.2): kty 1, alg -8, crv 6 (Ed25519), x.
    cosePublicKey: new Map<number, number | Uint8Array>([
      [1, 1],
      [3, CoseAlg.EdDSA],
      [-1, 6],
      [-2, k.publicKey],
    ]),
    sign: (data) => new Uint8Array(sign(null, data, k.privateKey)),
  };
}

export function newCredentialKey(
  alg: CredentialAlg,
  rng: RandomSource,
  deterministic = false,
): CredentialKey {
  const bytes = alg === CoseAlg.ES256 ? randomP256Scalar(rng) : rng.bytes(32);
  return credentialKeyFromBytes(alg, bytes, deterministic);
}

/** AES-256-CBC without padding (PIN protocols 1 and 2, CTAP 2.1 §6.5.6/§6.5.7). */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}

/** AES-256-GCM seal: iv(12) ‖ ciphertext ‖ tag(16). Used to wrap credential IDs. */
export function aesGcmSeal(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return new Uint8Array(Buffer.concat([iv, ct, c.getAuthTag()]));
}

/** Inverse of aesGcmSeal; undefined when the blob was not sealed by this key for this AAD. */
export function aesGcmOpen(
  key: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < 12 + 16) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return new Uint8Array(
      Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]),
    );
  } catch {
    return undefined;
  }
}

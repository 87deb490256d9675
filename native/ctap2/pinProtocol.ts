/**
 * PIN/UV auth protocols one and two (CTAP 2.1 §6.5.6, §6.5.7): ECDH on P-256 with the key's
 * key-agreement key, then AES-256-CBC + HMAC-SHA-256 with the derived shared secret.
 */
import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  hkdfSync,
} from 'node:crypto';
import {
  CoseAlg,
  CoseCurve,
  CoseKty,
  CoseLabel,
  ec2PublicPoint,
  toCoseKey,
  type CoseKey,
} from '../webauthn/cose';
import { invalid } from './decode';

export type PinProtocolVersion = 1 | 2;

export interface KeyAgreement {
  /** Our COSE_Key for parameter keyAgreement (0x03): EC2, alg −25, P-256 (§6.5.6 getPublicKey). */
  readonly platformKey: CoseKey;
  /** The derived shared secret (32 bytes in protocol 1, 64 in protocol 2). */
  readonly sharedSecret: Uint8Array;
}

export interface PinProtocol {
  readonly version: PinProtocolVersion;
  /** encapsulate(peerCoseKey) (§6.5.6): a fresh ephemeral key pair and the shared secret. */
  encapsulate(peerKey: unknown, random: (n: number) => Uint8Array): KeyAgreement;
  encrypt(key: Uint8Array, plaintext: Uint8Array, random: (n: number) => Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /** HMAC over `message`; `key` is a shared secret or a pinUvAuthToken. */
  authenticate(key: Uint8Array, message: Uint8Array): Uint8Array;
}

const ZERO_IV = new Uint8Array(16);

function aesCbc(encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length % 16 !== 0)
    throw invalid(`ciphertext length ${data.length} is not a multiple of 16`);
  const cipher = encrypt
    ? createCipheriv('aes-256-cbc', key, iv)
    : createDecipheriv('aes-256-cbc', key, iv);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

function hmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(message).digest());
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** ECDH with an ephemeral private key taken from `random` (so golden tests are deterministic). */
function ecdh(
  peerKey: unknown,
  random: (n: number) => Uint8Array,
): { platformKey: CoseKey; z: Uint8Array } {
  let peerPoint: Uint8Array;
  try {
    peerPoint = ec2PublicPoint(toCoseKey(peerKey));
  } catch (e) {
    throw invalid(`key agreement key: ${(e as Error).message}`);
  }
  const ecdhKey = createECDH('prime256v1');
  for (let attempt = 0; ; attempt++) {
    try {
      ecdhKey.setPrivateKey(Buffer.from(random(32)));
      break;
    } catch (e) {
      // A scalar outside [1, n−1] (probability ~2^-32): draw again.
      if (attempt > 8) throw e;
    }
  }
  const pub = new Uint8Array(ecdhKey.getPublicKey());
  let z: Uint8Array;
  try {
    z = new Uint8Array(ecdhKey.computeSecret(Buffer.from(peerPoint)));
  } catch {
    throw invalid('key agreement key is not a point on P-256');
  }
  const platformKey: CoseKey = new Map<number, number | Uint8Array>([
    [CoseLabel.kty, CoseKty.EC2],
    [CoseLabel.alg, CoseAlg.ECDH_ES_HKDF_256],
    [CoseLabel.crv, CoseCurve.P256],
    [CoseLabel.x, pub.slice(1, 33)],
    [CoseLabel.y, pub.slice(33, 65)],
  ]);
  return { platformKey, z };
}

/** §6.5.6 PIN/UV auth protocol one: SHA-256(Z), AES-CBC with IV 0, HMAC truncated to 16 bytes. */
export const pinProtocolOne: PinProtocol = {
  version: 1,
  encapsulate(peerKey, random) {
    const { platformKey, z } = ecdh(peerKey, random);
    return { platformKey, sharedSecret: sha256(z) };
  },
  encrypt: (key, plaintext) => aesCbc(true, key, ZERO_IV, plaintext),
  decrypt: (key, ciphertext) => aesCbc(false, key, ZERO_IV, ciphertext),
  authenticate: (key, message) => hmac(key, message).slice(0, 16),
};

const HKDF_SALT = new Uint8Array(32);

/**
 * §6.5.7 PIN/UV auth protocol two: HKDF-SHA-256 → HMAC key ‖ AES key, AES-CBC with a random IV
 * prepended, full 32-byte HMAC. With a 64-byte shared secret the HMAC key is its first half.
 */
export const pinProtocolTwo: PinProtocol = {
  version: 2,
  encapsulate(peerKey, random) {
    const { platformKey, z } = ecdh(peerKey, random);
    const hmacKey = new Uint8Array(hkdfSync('sha256', z, HKDF_SALT, 'CTAP2 HMAC key', 32));
    const aesKey = new Uint8Array(hkdfSync('sha256', z, HKDF_SALT, 'CTAP2 AES key', 32));
    const sharedSecret = new Uint8Array(64);
    sharedSecret.set(hmacKey);
    sharedSecret.set(aesKey, 32);
    return { platformKey, sharedSecret };
  },
  encrypt(key, plaintext, random) {
    const iv = random(16);
    const ct = aesCbc(true, key.length === 64 ? key.subarray(32) : key, iv, plaintext);
    const out = new Uint8Array(16 + ct.length);
    out.set(iv);
    out.set(ct, 16);
    return out;
  },
  decrypt(key, ciphertext) {
    if (ciphertext.length < 16) throw invalid('protocol 2 ciphertext shorter than its IV');
    return aesCbc(
      false,
      key.length === 64 ? key.subarray(32) : key,
      ciphertext.subarray(0, 16),
      ciphertext.subarray(16),
    );
  },
  authenticate: (key, message) => hmac(key.length === 64 ? key.subarray(0, 32) : key, message),
};

export function pinProtocol(version: PinProtocolVersion): PinProtocol {
  return version === 2 ? pinProtocolTwo : pinProtocolOne;
}

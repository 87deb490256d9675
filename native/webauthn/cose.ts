/**
 * COSE keys (RFC 9052/9053) as CTAP carries them: EC2 P-256 for ES256 and ECDH (PIN protocols),
 * OKP Ed25519 for EdDSA. Keys are maps with integer labels.
 */
import { toBase64Url } from './base64url';

export type CoseKey = Map<number, number | Uint8Array>;

/** COSE labels and values we use (RFC 9053 §7). */
export const CoseLabel = { kty: 1, alg: 3, crv: -1, x: -2, y: -3 } as const;
export const CoseKty = { OKP: 1, EC2: 2 } as const;
export const CoseAlg = { ES256: -7, EdDSA: -8, ECDH_ES_HKDF_256: -25, RS256: -257 } as const;
export const CoseCurve = { P256: 1, Ed25519: 6 } as const;

export class CoseKeyError extends Error {}

/** Validate a decoded COSE key map: integer labels, integer or byte-string values. */
export function toCoseKey(value: unknown): CoseKey {
  if (!(value instanceof Map)) throw new CoseKeyError('COSE key is not a map');
  const key: CoseKey = new Map();
  for (const [k, v] of value) {
    if (typeof k !== 'number') continue; // text labels are not used by CTAP keys
    if (typeof v === 'number' || v instanceof Uint8Array) key.set(k, v);
  }
  if (typeof key.get(CoseLabel.kty) !== 'number') throw new CoseKeyError('COSE key without kty');
  return key;
}

export function coseAlgorithm(key: CoseKey): number | undefined {
  const alg = key.get(CoseLabel.alg);
  return typeof alg === 'number' ? alg : undefined;
}

function coordinate(key: CoseKey, label: number, size: number): Uint8Array {
  const v = key.get(label);
  if (!(v instanceof Uint8Array) || v.length !== size)
    throw new CoseKeyError(`COSE coordinate ${label} invalid`);
  return v;
}

/** EC2 P-256 public key → uncompressed point 04‖x‖y. */
export function ec2PublicPoint(key: CoseKey): Uint8Array {
  if (key.get(CoseLabel.kty) !== CoseKty.EC2 || key.get(CoseLabel.crv) !== CoseCurve.P256) {
    throw new CoseKeyError('not an EC2 P-256 key');
  }
  const point = new Uint8Array(65);
  point[0] = 0x04;
  point.set(coordinate(key, CoseLabel.x, 32), 1);
  point.set(coordinate(key, CoseLabel.y, 32), 33);
  return point;
}

export function coseKeyToJwk(key: CoseKey): JsonWebKey {
  const kty = key.get(CoseLabel.kty);
  if (kty === CoseKty.EC2) {
    ec2PublicPoint(key);
    return {
      kty: 'EC',
      crv: 'P-256',
      x: toBase64Url(coordinate(key, CoseLabel.x, 32)),
      y: toBase64Url(coordinate(key, CoseLabel.y, 32)),
    };
  }
  if (kty === CoseKty.OKP && key.get(CoseLabel.crv) === CoseCurve.Ed25519) {
    return { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(coordinate(key, CoseLabel.x, 32)) };
  }
  throw new CoseKeyError(`unsupported COSE key type ${String(kty)}`);
}

/**
 * Deterministic ECDSA P-256 / SHA-256 (RFC 6979 §3.2), used only in the key's seeded mode so
 * golden tests can pin whole replies: node:crypto's ECDSA draws a random nonce per signature.
 * Plain BigInt arithmetic in Jacobian coordinates; not constant-time (test use only).
 */
import { createHash, createHmac } from 'node:crypto';

const P = BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const GX = BigInt('0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296');
const GY = BigInt('0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5');

type Jacobian = readonly [bigint, bigint, bigint];

const mod = (a: bigint, m = P): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function inv(a: bigint, m: bigint): bigint {
  let [t, newT, r, newR] = [0n, 1n, m, mod(a, m)];
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return mod(t, m);
}

/** Doubling for a = -3 (dbl-2001-b). */
function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const delta = mod(z * z);
  const gamma = mod(y * y);
  const beta = mod(x * gamma);
  const alpha = mod(3n * (x - delta) * (x + delta));
  const x3 = mod(alpha * alpha - 8n * beta);
  const z3 = mod((y + z) * (y + z) - gamma - delta);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma);
  return [x3, y3, z3];
}

/** General addition (add-2007-bl). */
function add(p1: Jacobian, p2: Jacobian): Jacobian {
  const [x1, y1, z1] = p1;
  const [x2, y2, z2] = p2;
  if (z1 === 0n) return p2;
  if (z2 === 0n) return p1;
  const z1z1 = mod(z1 * z1);
  const z2z2 = mod(z2 * z2);
  const u1 = mod(x1 * z2z2);
  const u2 = mod(x2 * z1z1);
  const s1 = mod(y1 * z2 * z2z2);
  const s2 = mod(y2 * z1 * z1z1);
  const h = mod(u2 - u1);
  const r = mod(2n * (s2 - s1));
  if (h === 0n) return r === 0n ? double(p1) : [0n, 1n, 0n];
  const i = mod(4n * h * h);
  const j = mod(h * i);
  const v = mod(u1 * i);
  const x3 = mod(r * r - j - 2n * v);
  const y3 = mod(r * (v - x3) - 2n * s1 * j);
  const z3 = mod(((z1 + z2) * (z1 + z2) - z1z1 - z2z2) * h);
  return [x3, y3, z3];
}

/** Affine x-coordinate of k·G. */
function baseMultiplyX(k: bigint): bigint {
  let acc: Jacobian = [0n, 1n, 0n];
  const g: Jacobian = [GX, GY, 1n];
  for (let bit = 255; bit >= 0; bit--) {
    acc = double(acc);
    if ((k >> BigInt(bit)) & 1n) acc = add(acc, g);
  }
  const zInv = inv(acc[2], P);
  return mod(acc[0] * zInv * zInv);
}

const toInt = (b: Uint8Array): bigint => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));
const toOctets = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
};

function derInteger(v: bigint): Buffer {
  let b = toOctets(v);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.of(0), b]);
  return Buffer.concat([Buffer.of(0x02, b.length), b]);
}

/** ECDSA-SHA256 signature (DER) with the RFC 6979 nonce for private scalar `d`. */
export function signP256Deterministic(d: Uint8Array, message: Uint8Array): Uint8Array {
  const x = toInt(d);
  const h1 = createHash('sha256').update(message).digest();
  const z = mod(toInt(h1), N);
  const xOct = toOctets(x);
  const hOct = toOctets(z);
  let v: Buffer = Buffer.alloc(32, 0x01);
  let k: Buffer = Buffer.alloc(32, 0x00);
  k = hmac(k, v, Buffer.of(0x00), xOct, hOct);
  v = hmac(k, v);
  k = hmac(k, v, Buffer.of(0x01), xOct, hOct);
  v = hmac(k, v);
  for (;;) {
    v = hmac(k, v);
    const nonce = toInt(v);
    if (nonce >= 1n && nonce < N) {
      const r = mod(baseMultiplyX(nonce), N);
      const s = mod(inv(nonce, N) * (z + r * x), N);
      if (r !== 0n && s !== 0n) {
        const body = Buffer.concat([derInteger(r), derInteger(s)]);
        return new Uint8Array(Buffer.concat([Buffer.of(0x30, body.length), body]));
      }
    }
    k = hmac(k, v, Buffer.of(0x00));
    v = hmac(k, v);
  }
}

/** RFC 6238 TOTP check for hardware OATH activation (6 digits, ±1 time step). */
import { createHmac } from 'node:crypto';

export function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = s.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpAt(
  secretBase32: string,
  counter: number,
  hash: 'hmacsha1' | 'hmacsha256' = 'hmacsha1',
): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(hash === 'hmacsha256' ? 'sha256' : 'sha1', base32Decode(secretBase32))
    .update(msg)
    .digest();
  const o = mac[mac.length - 1] & 0x0f;
  const bin = (mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000;
  return String(bin).padStart(6, '0');
}

/** The current code of a token at `nowMs` (what its display shows). */
export function currentCode(
  token: {
    secretKey: string;
    timeIntervalInSeconds: number;
    hashFunction: 'hmacsha1' | 'hmacsha256';
  },
  nowMs: number,
): string {
  return totpAt(
    token.secretKey,
    Math.floor(nowMs / 1000 / token.timeIntervalInSeconds),
    token.hashFunction,
  );
}

/** The time-step counter the code belongs to (±1 step), or null. */
export function verifyTotp(
  token: {
    secretKey: string;
    timeIntervalInSeconds: number;
    hashFunction: 'hmacsha1' | 'hmacsha256';
  },
  code: string,
  nowMs: number,
): number | null {
  const now = Math.floor(nowMs / 1000 / token.timeIntervalInSeconds);
  for (const c of [now, now - 1, now + 1])
    if (totpAt(token.secretKey, c, token.hashFunction) === code) return c;
  return null;
}

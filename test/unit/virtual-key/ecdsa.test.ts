/** RFC 6979 deterministic ECDSA used by the seeded virtual key. */
import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signP256Deterministic } from '../../../native/virtual-key/ecdsa';
import { p256FromScalar, randomP256Scalar } from '../../../native/virtual-key/keys';
import { SeededRandom } from '../../../native/virtual-key/rng';

describe('signP256Deterministic', () => {
  it('matches RFC 6979 A.2.5 (P-256, SHA-256, "sample" and "test")', () => {
    const d = Buffer.from(
      'C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721',
      'hex',
    );
    const rs = (sig: Uint8Array) => {
      const b = Buffer.from(sig);
      const rLen = b[3];
      const r = b.subarray(4, 4 + rLen);
      const s = b.subarray(6 + rLen);
      const strip = (x: Buffer) => x.subarray(x[0] === 0 ? 1 : 0).toString('hex');
      return [strip(r), strip(s)];
    };
    expect(rs(signP256Deterministic(d, Buffer.from('sample')))).toEqual([
      'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
      'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    ]);
    expect(rs(signP256Deterministic(d, Buffer.from('test')))).toEqual([
      'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
      '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
    ]);
  });

  it('produces signatures node:crypto verifies', () => {
    const rng = new SeededRandom('ecdsa');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const d = randomP256Scalar(rng);
        const sig = signP256Deterministic(d, message);
        const pub = createPublicKey(p256FromScalar(d).privateKey);
        expect(verify('sha256', message, pub, sig)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

/**
 * Randomness for the virtual key. With a seed, every byte derives from SHA-256 in counter
 * mode over the seed (deterministic mode for golden tests); without one, node:crypto.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface RandomSource {
  bytes(n: number): Uint8Array;
}

export class SystemRandom implements RandomSource {
  bytes(n: number): Uint8Array {
    return new Uint8Array(randomBytes(n));
  }
}

export class SeededRandom implements RandomSource {
  private counter = 0n;
  private readonly seed: Uint8Array;
  constructor(seed: string | Uint8Array) {
    this.seed = typeof seed === 'string' ? new TextEncoder().encode(seed) : Uint8Array.from(seed);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(this.counter++);
      const block = createHash('sha256').update(this.seed).update(counter).digest();
      const take = Math.min(block.length, n - filled);
      out.set(block.subarray(0, take), filled);
      filled += take;
    }
    return out;
  }
}

export function makeRandom(seed: string | Uint8Array | undefined): RandomSource {
  return seed === undefined ? new SystemRandom() : new SeededRandom(seed);
}

/**
 * Raw-byte access to one value of a top-level CBOR map. credentialManagement and
 * authenticatorConfig authenticate `subCommandParams` exactly as sent (CTAP 2.1 §6.8, §6.11),
 * so the key must MAC the platform's bytes rather than a re-encoding of what it decoded.
 */

/** Length in bytes of the CBOR item at `offset`; throws on truncation or indefinite length. */
export function cborItemLength(b: Uint8Array, offset: number, depth = 0): number {
  if (depth > 16) throw new Error('CBOR nesting too deep');
  if (offset >= b.length) throw new Error('truncated CBOR');
  const major = b[offset] >> 5;
  const info = b[offset] & 0x1f;
  let arg: number;
  let head: number;
  if (info < 24) {
    arg = info;
    head = 1;
  } else if (info <= 27) {
    const n = 1 << (info - 24);
    if (offset + 1 + n > b.length) throw new Error('truncated CBOR');
    arg = 0;
    for (let i = 0; i < n; i++) arg = arg * 256 + b[offset + 1 + i];
    head = 1 + n;
  } else throw new Error('indefinite or reserved CBOR length');
  switch (major) {
    case 0:
    case 1:
    case 7:
      return head;
    case 2:
    case 3:
      if (offset + head + arg > b.length) throw new Error('truncated CBOR');
      return head + arg;
    case 4:
    case 5: {
      const items = major === 4 ? arg : arg * 2;
      if (items > b.length) throw new Error('truncated CBOR');
      let len = head;
      for (let i = 0; i < items; i++) len += cborItemLength(b, offset + len, depth + 1);
      return len;
    }
    default: // 6: tag
      return head + cborItemLength(b, offset + head, depth + 1);
  }
}

/** The raw encoding of the value under small non-negative integer `key` in a top-level map. */
export function rawMapValue(b: Uint8Array, key: number): Uint8Array | undefined {
  try {
    if (b.length === 0 || b[0] >> 5 !== 5) return undefined;
    const info = b[0] & 0x1f;
    let pairs: number;
    let off: number;
    if (info < 24) {
      pairs = info;
      off = 1;
    } else if (info === 24) {
      pairs = b[1];
      off = 2;
    } else return undefined;
    for (let i = 0; i < pairs; i++) {
      const kLen = cborItemLength(b, off);
      const isKey = kLen === 1 && b[off] === key && key < 24;
      const vLen = cborItemLength(b, off + kLen);
      if (isKey) return b.subarray(off + kLen, off + kLen + vLen);
      off += kLen + vLen;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Length of one CBOR item at `offset` without decoding it: authenticator data concatenates a
 * COSE key and an extensions map with no length prefix (WebAuthn §6.5.1), so we must find
 * where the key ends. Definite lengths only (CTAP canonical CBOR §8); depth-limited.
 */
const MAX_DEPTH = 16;

export class CborScanError extends Error {}

export function cborItemEnd(bytes: Uint8Array, offset: number, depth = 0): number {
  if (depth > MAX_DEPTH) throw new CborScanError('CBOR nested too deeply');
  if (offset >= bytes.length) throw new CborScanError('truncated CBOR');
  const initial = bytes[offset];
  const major = initial >> 5;
  const info = initial & 0x1f;
  let pos = offset + 1;
  let arg: number;
  if (info < 24) arg = info;
  else if (info <= 27) {
    const size = 1 << (info - 24);
    if (pos + size > bytes.length) throw new CborScanError('truncated CBOR');
    arg = 0;
    for (let i = 0; i < size; i++) arg = arg * 256 + bytes[pos + i];
    pos += size;
  } else throw new CborScanError('indefinite or reserved CBOR length');
  switch (major) {
    case 0:
    case 1:
    case 7:
      return pos;
    case 2:
    case 3:
      if (pos + arg > bytes.length) throw new CborScanError('truncated CBOR');
      return pos + arg;
    case 4:
      for (let i = 0; i < arg; i++) pos = cborItemEnd(bytes, pos, depth + 1);
      return pos;
    case 5:
      for (let i = 0; i < arg * 2; i++) pos = cborItemEnd(bytes, pos, depth + 1);
      return pos;
    default: // 6: tag
      return cborItemEnd(bytes, pos, depth + 1);
  }
}

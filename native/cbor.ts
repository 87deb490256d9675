/**
 * CTAP2 canonical CBOR (CTAP 2.1 §8 "Message Encoding"): definite lengths, smallest
 * integer encodings, map keys sorted by encoded length then bytewise (so integer keys
 * come before text keys). Every request we send and every reply the virtual key sends
 * goes through `encodeCanonical`; independent clients reject anything else.
 */
import { Decoder, Encoder } from 'cbor-x';

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborValue, CborValue>
  | { [key: string]: CborValue };

const encoder = new Encoder({
  tagUint8Array: false,
  useRecords: false,
  mapsAsObjects: false,
  variableMapSize: true,
  useFloat32: 0,
  pack: false,
} as ConstructorParameters<typeof Encoder>[0]);

const decoder = new Decoder({
  useRecords: false,
  mapsAsObjects: false,
  tagUint8Array: false,
} as ConstructorParameters<typeof Decoder>[0]);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Rebuild a value so every map is a Map in canonical key order. */
function canonicalize(value: CborValue): CborValue {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value instanceof Map) {
    const entries = [...value.entries()].map(
      ([k, v]) => [k, canonicalize(v), encoder.encode(k) as Uint8Array] as const,
    );
    entries.sort((a, b) => compareBytes(a[2], b[2]));
    return new Map(entries.map(([k, v]) => [k, v]));
  }
  if (value !== null && typeof value === 'object') {
    return canonicalize(new Map(Object.entries(value)));
  }
  return value;
}

export function encodeCanonical(value: CborValue): Uint8Array {
  const out = encoder.encode(canonicalize(value)) as Uint8Array;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decode exactly one CBOR item. Maps decode as `Map` (integer keys stay integers).
 * Throws on trailing bytes or malformed input; callers wrap into their own error kind.
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  if (bytes.length === 0) throw new Error('empty CBOR');
  const items: unknown[] = [];
  decoder.decodeMultiple(bytes, (item: unknown) => {
    items.push(item);
    if (items.length > 1) return false;
    return undefined;
  });
  if (items.length !== 1) throw new Error('trailing bytes after CBOR item');
  return items[0];
}

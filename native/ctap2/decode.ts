/**
 * Tolerant readers for CBOR replies (docs/DESIGN.md §10, libfido2 `default:` ignore):
 * unknown keys are skipped, missing optional ones get defaults, a wrong type on a field we
 * need is TransportError('invalid-cbor') — a key is an untrusted device.
 */
import { decodeCbor } from '../cbor';
import { TransportError } from '../errors';

export type CborMap = Map<unknown, unknown>;

export function invalid(what: string): TransportError {
  return new TransportError('invalid-cbor', what);
}

/** Decode a CTAP reply body; anything malformed is TransportError('invalid-cbor'). */
export function decodeReply(body: Uint8Array): unknown {
  try {
    return decodeCbor(body);
  } catch (e) {
    throw invalid(`reply is not valid CBOR: ${(e as Error).message}`);
  }
}

export function asMap(value: unknown, what: string): CborMap {
  if (value instanceof Map) return value;
  throw invalid(`${what}: expected a CBOR map`);
}

export function optMap(m: CborMap, key: unknown, what: string): CborMap | undefined {
  const v = m.get(key);
  return v === undefined ? undefined : asMap(v, what);
}

export function reqMap(m: CborMap, key: unknown, what: string): CborMap {
  const v = optMap(m, key, what);
  if (v === undefined) throw invalid(`${what}: missing`);
  return v;
}

export function optBytes(m: CborMap, key: unknown, what: string): Uint8Array | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (v instanceof Uint8Array) return v;
  throw invalid(`${what}: expected a byte string`);
}

export function reqBytes(m: CborMap, key: unknown, what: string): Uint8Array {
  const v = optBytes(m, key, what);
  if (v === undefined) throw invalid(`${what}: missing`);
  return v;
}

export function optString(m: CborMap, key: unknown, what: string): string | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw invalid(`${what}: expected a text string`);
}

export function reqString(m: CborMap, key: unknown, what: string): string {
  const v = optString(m, key, what);
  if (v === undefined) throw invalid(`${what}: missing`);
  return v;
}

export function optUint(m: CborMap, key: unknown, what: string): number | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  throw invalid(`${what}: expected an unsigned integer`);
}

export function reqUint(m: CborMap, key: unknown, what: string): number {
  const v = optUint(m, key, what);
  if (v === undefined) throw invalid(`${what}: missing`);
  return v;
}

export function optInt(m: CborMap, key: unknown, what: string): number | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw invalid(`${what}: expected an integer`);
}

export function optBool(m: CborMap, key: unknown, what: string): boolean | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  throw invalid(`${what}: expected a boolean`);
}

export function optArray(m: CborMap, key: unknown, what: string): unknown[] | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v;
  throw invalid(`${what}: expected an array`);
}

/** PublicKeyCredentialUserEntity (§6.1.2 user, 0x03): id required, names optional. */
export interface UserEntity {
  id: Uint8Array;
  name?: string;
  displayName?: string;
}

export function decodeUser(value: unknown, what: string): UserEntity {
  const m = asMap(value, what);
  const user: UserEntity = { id: reqBytes(m, 'id', `${what}.id`) };
  const name = optString(m, 'name', `${what}.name`);
  const displayName = optString(m, 'displayName', `${what}.displayName`);
  if (name !== undefined) user.name = name;
  if (displayName !== undefined) user.displayName = displayName;
  return user;
}

export interface PublicKeyCredentialDescriptor {
  type: 'public-key';
  id: Uint8Array;
  transports?: string[];
}

export function decodeCredentialDescriptor(
  value: unknown,
  what: string,
): PublicKeyCredentialDescriptor {
  const m = asMap(value, what);
  const type = optString(m, 'type', `${what}.type`) ?? 'public-key';
  if (type !== 'public-key') throw invalid(`${what}.type: ${type}`);
  return { type: 'public-key', id: reqBytes(m, 'id', `${what}.id`) };
}

/** What we send: {id, type} (+ transports), as a Map in canonical order via encodeCanonical. */
export function encodeCredentialDescriptor(
  d: PublicKeyCredentialDescriptor,
): Map<string, string | Uint8Array | string[]> {
  const m = new Map<string, string | Uint8Array | string[]>([
    ['id', d.id],
    ['type', 'public-key'],
  ]);
  if (d.transports && d.transports.length > 0) m.set('transports', d.transports);
  return m;
}

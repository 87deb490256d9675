/**
 * Parameter access on decoded CBOR for the authenticator commands: hostile input is normal, so
 * every type is checked and a wrong one is the CTAP status the spec names (CTAP 2.1 §8).
 */
import { decodeCbor } from '../../cbor';
import { CtapStatus } from '../../ctap2/status';

/** A CTAP status to return; thrown inside command handlers and turned into the status byte. */
export class CtapFail extends Error {
  constructor(readonly status: number) {
    super(`CTAP status 0x${status.toString(16)}`);
  }
}
export function fail(status: number): never {
  throw new CtapFail(status);
}

export type CborMap = Map<unknown, unknown>;

export function asMap(v: unknown): CborMap {
  if (!(v instanceof Map)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
export function asBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return new Uint8Array(v);
}
export function asText(v: unknown): string {
  if (typeof v !== 'string') fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
export function asInt(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
export function asBool(v: unknown): boolean {
  if (typeof v !== 'boolean') fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
export function asArray(v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
export function required<T>(m: CborMap, key: number | string, as: (v: unknown) => T): T {
  if (!m.has(key)) fail(CtapStatus.MISSING_PARAMETER);
  return as(m.get(key));
}
export function optional<T>(
  m: CborMap,
  key: number | string,
  as: (v: unknown) => T,
): T | undefined {
  return m.has(key) ? as(m.get(key)) : undefined;
}

export function decodeParams(body: Uint8Array): CborMap {
  if (body.length === 0) fail(CtapStatus.MISSING_PARAMETER);
  let v: unknown;
  try {
    v = decodeCbor(body);
  } catch {
    fail(CtapStatus.INVALID_CBOR);
  }
  return asMap(v);
}

export interface CredentialDescriptor {
  readonly id: Uint8Array;
}

/** PublicKeyCredentialDescriptor list; entries of another type are skipped (WebAuthn §5.8.3). */
export function descriptorList(v: unknown): CredentialDescriptor[] {
  const out: CredentialDescriptor[] = [];
  for (const item of asArray(v)) {
    const m = asMap(item);
    const type = required(m, 'type', asText);
    const id = required(m, 'id', asBytes);
    if (type === 'public-key') out.push({ id });
  }
  return out;
}

/** Crop to at most 64 UTF-8 bytes without splitting a character. */
export function crop64(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > 64) break;
    out += ch;
    bytes += n;
  }
  return out;
}

export const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
export const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

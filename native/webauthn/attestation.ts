/** Attestation object (WebAuthn §6.5.4): CBOR map {fmt, attStmt, authData}. */
import { decodeCbor } from '../cbor';
import { TransportError } from '../errors';
import { parseAuthenticatorData, type AuthenticatorData } from './authData';

export interface AttestationObject {
  fmt: string;
  attStmt: Map<string, unknown>;
  authData: Uint8Array;
  authenticatorData: AuthenticatorData;
}

export function parseAttestationObject(bytes: Uint8Array): AttestationObject {
  let value: unknown;
  try {
    value = decodeCbor(bytes);
  } catch (e) {
    throw new TransportError('invalid-cbor', `attestation object: ${(e as Error).message}`);
  }
  if (!(value instanceof Map))
    throw new TransportError('invalid-cbor', 'attestation object is not a map');
  const fmt = value.get('fmt');
  const attStmt = value.get('attStmt');
  const authData = value.get('authData');
  if (typeof fmt !== 'string' || !(attStmt instanceof Map) || !(authData instanceof Uint8Array)) {
    throw new TransportError('invalid-cbor', 'attestation object lacks fmt, attStmt or authData');
  }
  const stmt = new Map<string, unknown>(
    [...attStmt].filter((e): e is [string, unknown] => typeof e[0] === 'string'),
  );
  return { fmt, attStmt: stmt, authData, authenticatorData: parseAuthenticatorData(authData) };
}

/**
 * Authenticator data (WebAuthn §6.1): rpIdHash(32) ‖ flags(1) ‖ signCount(4, big-endian)
 * [‖ attestedCredentialData: aaguid(16) ‖ L(2) ‖ credentialId(L) ‖ COSE key] [‖ extensions map].
 */
import { decodeCbor } from '../cbor';
import { TransportError } from '../errors';
import { CborScanError, cborItemEnd } from './cborScan';
import { CoseKeyError, toCoseKey, type CoseKey } from './cose';

export const AuthDataFlag = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

export interface AttestedCredentialData {
  aaguid: string;
  credentialId: Uint8Array;
  publicKey: CoseKey;
  publicKeyBytes: Uint8Array;
}

export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: {
    up: boolean;
    uv: boolean;
    be: boolean;
    bs: boolean;
    at: boolean;
    ed: boolean;
    raw: number;
  };
  signCount: number;
  attestedCredentialData?: AttestedCredentialData;
  extensions?: Map<string, unknown>;
}

export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function bad(what: string): TransportError {
  return new TransportError('invalid-cbor', `authenticator data: ${what}`);
}

function decodeItem(bytes: Uint8Array, what: string): unknown {
  try {
    return decodeCbor(bytes);
  } catch (e) {
    throw bad(`${what}: ${(e as Error).message}`);
  }
}

function itemEnd(bytes: Uint8Array, offset: number, what: string): number {
  try {
    return cborItemEnd(bytes, offset);
  } catch (e) {
    if (e instanceof CborScanError) throw bad(`${what}: ${e.message}`);
    throw e;
  }
}

/** Parse authenticator data; anything malformed is TransportError('invalid-cbor'). */
export function parseAuthenticatorData(bytes: Uint8Array): AuthenticatorData {
  if (!(bytes instanceof Uint8Array) || bytes.length < 37) throw bad('shorter than 37 bytes');
  const raw = bytes[32];
  const flags = {
    up: (raw & AuthDataFlag.UP) !== 0,
    uv: (raw & AuthDataFlag.UV) !== 0,
    be: (raw & AuthDataFlag.BE) !== 0,
    bs: (raw & AuthDataFlag.BS) !== 0,
    at: (raw & AuthDataFlag.AT) !== 0,
    ed: (raw & AuthDataFlag.ED) !== 0,
    raw,
  };
  const result: AuthenticatorData = {
    rpIdHash: bytes.slice(0, 32),
    flags,
    signCount: new DataView(bytes.buffer, bytes.byteOffset + 33, 4).getUint32(0),
  };
  let pos = 37;
  if (flags.at) {
    if (bytes.length < pos + 18) throw bad('attested credential data truncated');
    const aaguid = formatUuid(bytes.subarray(pos, pos + 16));
    const idLength = (bytes[pos + 16] << 8) | bytes[pos + 17];
    pos += 18;
    if (bytes.length < pos + idLength) throw bad('credential id truncated');
    const credentialId = bytes.slice(pos, pos + idLength);
    pos += idLength;
    const keyEnd = itemEnd(bytes, pos, 'credential public key');
    const publicKeyBytes = bytes.slice(pos, keyEnd);
    let publicKey: CoseKey;
    try {
      publicKey = toCoseKey(decodeItem(publicKeyBytes, 'credential public key'));
    } catch (e) {
      if (e instanceof CoseKeyError) throw bad(e.message);
      throw e;
    }
    result.attestedCredentialData = { aaguid, credentialId, publicKey, publicKeyBytes };
    pos = keyEnd;
  }
  if (flags.ed) {
    const end = itemEnd(bytes, pos, 'extensions');
    const ext = decodeItem(bytes.subarray(pos, end), 'extensions');
    if (!(ext instanceof Map)) throw bad('extensions is not a map');
    result.extensions = new Map(
      [...ext].filter((e): e is [string, unknown] => typeof e[0] === 'string'),
    );
    pos = end;
  }
  if (pos !== bytes.length) throw bad(`${bytes.length - pos} trailing bytes`);
  return result;
}

/** authenticatorMakeCredential (CTAP 2.1 §6.1). */
import { encodeCanonical, type CborValue } from '../cbor';
import { parseAuthenticatorData, type AuthenticatorData } from '../webauthn/authData';
import type { PinUvAuthToken } from './clientPin';
import { CtapCommand } from './commands';
import {
  asMap,
  encodeCredentialDescriptor,
  optBool,
  optBytes,
  optMap,
  reqBytes,
  reqString,
  type PublicKeyCredentialDescriptor,
  type UserEntity,
} from './decode';
import { pinProtocol } from './pinProtocol';
import {
  withTouchDeadline,
  params,
  type CborChannel,
  type CborParams,
  type CommandOptions,
} from './sendCbor';

/** Request parameter keys (§6.1). */
export const MakeCredentialParam = {
  clientDataHash: 0x01,
  rp: 0x02,
  user: 0x03,
  pubKeyCredParams: 0x04,
  excludeList: 0x05,
  extensions: 0x06,
  options: 0x07,
  pinUvAuthParam: 0x08,
  pinUvAuthProtocol: 0x09,
  enterpriseAttestation: 0x0a,
} as const;

/** Response keys (§6.1). */
export const MakeCredentialResponseKey = {
  fmt: 0x01,
  authData: 0x02,
  attStmt: 0x03,
  epAtt: 0x04,
  largeBlobKey: 0x05,
} as const;

export interface MakeCredentialParams {
  clientDataHash: Uint8Array;
  rp: { id: string; name?: string };
  user: UserEntity;
  pubKeyCredParams?: { type: 'public-key'; alg: number }[];
  excludeList?: PublicKeyCredentialDescriptor[];
  residentKey?: boolean;
  userVerification?: boolean;
  pinUvAuthToken?: PinUvAuthToken;
  extensions?: {
    credProtect?: 1 | 2 | 3;
    hmacSecret?: boolean;
    credBlob?: Uint8Array;
    minPinLength?: boolean;
  };
  /** §6.1 enterpriseAttestation: never sent unless the caller asks (off by default). */
  enterpriseAttestation?: 1 | 2;
  /**
   * §6.1.2 step 1: a zero-length pinUvAuthParam with this protocol makes the key wait for a
   * touch and then answer PIN_NOT_SET / PIN_INVALID, creating nothing ("touch the key you want"
   * on CTAP 2.0 keys, as libfido2's fido_dev_get_touch_begin does).
   */
  touchProbe?: 1 | 2;
}

export interface MakeCredentialResult {
  fmt: string;
  authData: Uint8Array;
  authenticatorData: AuthenticatorData;
  attStmt: Map<string, unknown>;
  epAtt?: boolean;
  largeBlobKey?: Uint8Array;
  attestationObject: Uint8Array;
}

/** ES256 first, then EdDSA: what every FIDO2 key supports, plus the modern option. */
export const DEFAULT_PUB_KEY_CRED_PARAMS = [
  { type: 'public-key', alg: -7 },
  { type: 'public-key', alg: -8 },
] as const;

export function encodeMakeCredentialRequest(p: MakeCredentialParams): CborParams {
  const rp = new Map<string, CborValue>([['id', p.rp.id]]);
  if (p.rp.name !== undefined) rp.set('name', p.rp.name);
  const user = new Map<string, CborValue>([['id', p.user.id]]);
  if (p.user.name !== undefined) user.set('name', p.user.name);
  if (p.user.displayName !== undefined) user.set('displayName', p.user.displayName);
  const algs = (p.pubKeyCredParams ?? DEFAULT_PUB_KEY_CRED_PARAMS).map(
    (c) =>
      new Map<string, CborValue>([
        ['alg', c.alg],
        ['type', c.type],
      ]),
  );
  const ext = new Map<string, CborValue>();
  if (p.extensions?.credProtect !== undefined) ext.set('credProtect', p.extensions.credProtect);
  if (p.extensions?.hmacSecret) ext.set('hmac-secret', true);
  if (p.extensions?.credBlob !== undefined) ext.set('credBlob', p.extensions.credBlob);
  if (p.extensions?.minPinLength) ext.set('minPinLength', true);
  const opts = new Map<string, boolean>();
  if (p.residentKey !== undefined) opts.set('rk', p.residentKey);
  // §6.1.1: "uv" must not be sent together with a pinUvAuthParam.
  if (p.userVerification !== undefined && !p.pinUvAuthToken) opts.set('uv', p.userVerification);
  const token = p.pinUvAuthToken;
  return params([
    [MakeCredentialParam.clientDataHash, p.clientDataHash],
    [MakeCredentialParam.rp, rp],
    [MakeCredentialParam.user, user],
    [MakeCredentialParam.pubKeyCredParams, algs],
    [
      MakeCredentialParam.excludeList,
      p.excludeList?.length ? p.excludeList.map(encodeCredentialDescriptor) : undefined,
    ],
    [MakeCredentialParam.extensions, ext.size ? ext : undefined],
    [MakeCredentialParam.options, opts.size ? opts : undefined],
    [
      MakeCredentialParam.pinUvAuthParam,
      token
        ? pinProtocol(token.protocol).authenticate(token.token, p.clientDataHash)
        : p.touchProbe !== undefined
          ? new Uint8Array(0)
          : undefined,
    ],
    [MakeCredentialParam.pinUvAuthProtocol, token?.protocol ?? p.touchProbe],
    [MakeCredentialParam.enterpriseAttestation, p.enterpriseAttestation],
  ]);
}

export function decodeMakeCredentialResponse(value: unknown): MakeCredentialResult {
  const m = asMap(value, 'makeCredential');
  const fmt = reqString(m, MakeCredentialResponseKey.fmt, 'fmt');
  const authData = reqBytes(m, MakeCredentialResponseKey.authData, 'authData');
  const attStmtRaw = optMap(m, MakeCredentialResponseKey.attStmt, 'attStmt') ?? new Map();
  const attStmt = new Map<string, unknown>();
  for (const [k, v] of attStmtRaw) if (typeof k === 'string') attStmt.set(k, v);
  const authenticatorData = parseAuthenticatorData(authData);
  // WebAuthn §6.5.4: the attestation object is the CBOR map {fmt, attStmt, authData}.
  const attestationObject = encodeCanonical(
    new Map<string, CborValue>([
      ['fmt', fmt],
      ['attStmt', attStmtRaw as Map<CborValue, CborValue>],
      ['authData', authData],
    ]),
  );
  const result: MakeCredentialResult = {
    fmt,
    authData,
    authenticatorData,
    attStmt,
    attestationObject,
  };
  const epAtt = optBool(m, MakeCredentialResponseKey.epAtt, 'epAtt');
  const largeBlobKey = optBytes(m, MakeCredentialResponseKey.largeBlobKey, 'largeBlobKey');
  if (epAtt !== undefined) result.epAtt = epAtt;
  if (largeBlobKey !== undefined) result.largeBlobKey = largeBlobKey;
  return result;
}

export async function makeCredential(
  channel: CborChannel,
  p: MakeCredentialParams,
  options?: CommandOptions,
): Promise<MakeCredentialResult> {
  const reply = await channel.sendCbor(
    CtapCommand.makeCredential,
    encodeMakeCredentialRequest(p),
    withTouchDeadline(options),
  );
  return decodeMakeCredentialResponse(reply);
}

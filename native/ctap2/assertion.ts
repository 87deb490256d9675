/** authenticatorGetAssertion / authenticatorGetNextAssertion (CTAP 2.1 §6.2, §6.3). */
import type { CborValue } from '../cbor';
import { parseAuthenticatorData, type AuthenticatorData } from '../webauthn/authData';
import type { PinUvAuthToken } from './clientPin';
import { CtapCommand } from './commands';
import {
  asMap,
  decodeCredentialDescriptor,
  decodeUser,
  encodeCredentialDescriptor,
  invalid,
  optBool,
  optBytes,
  optUint,
  reqBytes,
  type PublicKeyCredentialDescriptor,
  type UserEntity,
} from './decode';
import { pinProtocol, type PinProtocol } from './pinProtocol';
import {
  withTouchDeadline,
  params,
  type CborChannel,
  type CborParams,
  type CommandOptions,
} from './sendCbor';

/** Request parameter keys (§6.2). */
export const GetAssertionParam = {
  rpId: 0x01,
  clientDataHash: 0x02,
  allowList: 0x03,
  extensions: 0x04,
  options: 0x05,
  pinUvAuthParam: 0x06,
  pinUvAuthProtocol: 0x07,
} as const;

/** Response keys (§6.2). */
export const GetAssertionResponseKey = {
  credential: 0x01,
  authData: 0x02,
  signature: 0x03,
  user: 0x04,
  numberOfCredentials: 0x05,
  userSelected: 0x06,
  largeBlobKey: 0x07,
} as const;

/** hmac-secret input keys (CTAP 2.1 §12.5). */
export const HmacSecretParam = {
  keyAgreement: 0x01,
  saltEnc: 0x02,
  saltAuth: 0x03,
  pinUvAuthProtocol: 0x04,
} as const;

export interface GetAssertionParams {
  rpId: string;
  clientDataHash: Uint8Array;
  allowList?: PublicKeyCredentialDescriptor[];
  userPresence?: boolean;
  userVerification?: boolean;
  pinUvAuthToken?: PinUvAuthToken;
  extensions?: { hmacSecret?: { salt1: Uint8Array; salt2?: Uint8Array } };
}

export interface AssertionResult {
  credential: PublicKeyCredentialDescriptor;
  authData: Uint8Array;
  authenticatorData: AuthenticatorData;
  signature: Uint8Array;
  user?: UserEntity;
  numberOfCredentials?: number;
  userSelected?: boolean;
  largeBlobKey?: Uint8Array;
  hmacSecret?: Uint8Array;
}

/** Shared-secret material for hmac-secret, made by the caller (needs getKeyAgreement). */
export interface HmacSecretContext {
  readonly proto: PinProtocol;
  readonly platformKey: Map<number, number | Uint8Array>;
  readonly sharedSecret: Uint8Array;
  readonly random: (n: number) => Uint8Array;
}

export function encodeGetAssertionRequest(
  p: GetAssertionParams,
  hmac?: HmacSecretContext,
): CborParams {
  const opts = new Map<string, boolean>();
  if (p.userPresence === false) opts.set('up', false);
  if (p.userVerification !== undefined && !p.pinUvAuthToken) opts.set('uv', p.userVerification);
  const ext = new Map<string, CborValue>();
  if (p.extensions?.hmacSecret && hmac) {
    const { salt1, salt2 } = p.extensions.hmacSecret;
    if (salt1.length !== 32 || (salt2 && salt2.length !== 32))
      throw new RangeError('hmac-secret salts are 32 bytes');
    const salts = new Uint8Array(salt2 ? 64 : 32);
    salts.set(salt1);
    if (salt2) salts.set(salt2, 32);
    const saltEnc = hmac.proto.encrypt(hmac.sharedSecret, salts, hmac.random);
    ext.set(
      'hmac-secret',
      params([
        [HmacSecretParam.keyAgreement, hmac.platformKey],
        [HmacSecretParam.saltEnc, saltEnc],
        [HmacSecretParam.saltAuth, hmac.proto.authenticate(hmac.sharedSecret, saltEnc)],
        // §12.5: pinUvAuthProtocol is sent only for protocol 2 (1 is the default).
        [HmacSecretParam.pinUvAuthProtocol, hmac.proto.version === 2 ? 2 : undefined],
      ]),
    );
  }
  const token = p.pinUvAuthToken;
  return params([
    [GetAssertionParam.rpId, p.rpId],
    [GetAssertionParam.clientDataHash, p.clientDataHash],
    [
      GetAssertionParam.allowList,
      p.allowList?.length ? p.allowList.map(encodeCredentialDescriptor) : undefined,
    ],
    [GetAssertionParam.extensions, ext.size ? ext : undefined],
    [GetAssertionParam.options, opts.size ? opts : undefined],
    [
      GetAssertionParam.pinUvAuthParam,
      token ? pinProtocol(token.protocol).authenticate(token.token, p.clientDataHash) : undefined,
    ],
    [GetAssertionParam.pinUvAuthProtocol, token?.protocol],
  ]);
}

export function encodeGetNextAssertionRequest(): Uint8Array {
  return Uint8Array.of(CtapCommand.getNextAssertion);
}

/**
 * Decode a getAssertion/getNextAssertion reply. `allowList` fills in the credential when the key
 * omits it (§6.2: allowed when the allowList has exactly one entry).
 */
export function decodeGetAssertionResponse(
  value: unknown,
  allowList?: readonly PublicKeyCredentialDescriptor[],
  hmac?: HmacSecretContext,
): AssertionResult {
  const m = asMap(value, 'getAssertion');
  let credential: PublicKeyCredentialDescriptor;
  if (m.has(GetAssertionResponseKey.credential)) {
    credential = decodeCredentialDescriptor(
      m.get(GetAssertionResponseKey.credential),
      'credential',
    );
  } else if (allowList?.length === 1) {
    credential = { type: 'public-key', id: allowList[0].id };
  } else throw invalid('getAssertion: credential missing');
  const authData = reqBytes(m, GetAssertionResponseKey.authData, 'authData');
  const authenticatorData = parseAuthenticatorData(authData);
  const result: AssertionResult = {
    credential,
    authData,
    authenticatorData,
    signature: reqBytes(m, GetAssertionResponseKey.signature, 'signature'),
  };
  if (m.has(GetAssertionResponseKey.user))
    result.user = decodeUser(m.get(GetAssertionResponseKey.user), 'user');
  const n = optUint(m, GetAssertionResponseKey.numberOfCredentials, 'numberOfCredentials');
  const userSelected = optBool(m, GetAssertionResponseKey.userSelected, 'userSelected');
  const largeBlobKey = optBytes(m, GetAssertionResponseKey.largeBlobKey, 'largeBlobKey');
  if (n !== undefined) result.numberOfCredentials = n;
  if (userSelected !== undefined) result.userSelected = userSelected;
  if (largeBlobKey !== undefined) result.largeBlobKey = largeBlobKey;
  const hmacOut = authenticatorData.extensions?.get('hmac-secret');
  if (hmac && hmacOut instanceof Uint8Array)
    result.hmacSecret = hmac.proto.decrypt(hmac.sharedSecret, hmacOut);
  return result;
}

export async function getAssertion(
  channel: CborChannel,
  p: GetAssertionParams,
  options?: CommandOptions,
  hmac?: HmacSecretContext,
): Promise<AssertionResult> {
  const reply = await channel.sendCbor(
    CtapCommand.getAssertion,
    encodeGetAssertionRequest(p, hmac),
    withTouchDeadline(options),
  );
  return decodeGetAssertionResponse(reply, p.allowList, hmac);
}

export async function getNextAssertion(
  channel: CborChannel,
  options?: CommandOptions,
  hmac?: HmacSecretContext,
): Promise<AssertionResult> {
  return decodeGetAssertionResponse(
    await channel.sendCbor(CtapCommand.getNextAssertion, undefined, options),
    undefined,
    hmac,
  );
}

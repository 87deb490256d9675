/**
 * authenticatorCredentialManagement (CTAP 2.1 §6.8), and the 2.0-era preview command 0x41
 * (FIDO_2_1_PRE, same structure) for keys whose getInfo has only credentialMgmtPreview.
 */
import { encodeCanonical, type CborValue } from '../cbor';
import { toCoseKey, type CoseKey } from '../webauthn/cose';
import type { PinUvAuthToken } from './clientPin';
import { CtapCommand } from './commands';
import {
  asMap,
  decodeCredentialDescriptor,
  decodeUser,
  encodeCredentialDescriptor,
  invalid,
  optBytes,
  optString,
  optUint,
  reqBytes,
  reqMap,
  reqString,
  type PublicKeyCredentialDescriptor,
  type UserEntity,
} from './decode';
import type { AuthenticatorInfo } from './info';
import { pinProtocol, sha256 } from './pinProtocol';
import { params, type CborChannel, type CborParams, type CommandOptions } from './sendCbor';
import { isCtapError } from './status';

/** Request keys (§6.8). */
export const CredMgmtParam = {
  subCommand: 0x01,
  subCommandParams: 0x02,
  pinUvAuthProtocol: 0x03,
  pinUvAuthParam: 0x04,
} as const;

/** subCommand values (§6.8). */
export const CredMgmtSubCommand = {
  getCredsMetadata: 0x01,
  enumerateRPsBegin: 0x02,
  enumerateRPsGetNextRP: 0x03,
  enumerateCredentialsBegin: 0x04,
  enumerateCredentialsGetNextCredential: 0x05,
  deleteCredential: 0x06,
  updateUserInformation: 0x07,
} as const;

/** subCommandParams keys (§6.8). */
export const CredMgmtSubParam = { rpIDHash: 0x01, credentialID: 0x02, user: 0x03 } as const;

/** Response keys (§6.8). */
export const CredMgmtResponseKey = {
  existingResidentCredentialsCount: 0x01,
  maxPossibleRemainingResidentCredentialsCount: 0x02,
  rp: 0x03,
  rpIDHash: 0x04,
  totalRPs: 0x05,
  user: 0x06,
  credentialID: 0x07,
  publicKey: 0x08,
  totalCredentials: 0x09,
  credProtect: 0x0a,
  largeBlobKey: 0x0b,
} as const;

export interface CredsMetadata {
  existingResidentCredentialsCount: number;
  maxPossibleRemainingResidentCredentialsCount: number;
}

export interface StoredRp {
  rp: { id: string; name?: string };
  rpIdHash: Uint8Array;
}

export interface StoredCredential {
  user: UserEntity;
  credentialId: PublicKeyCredentialDescriptor;
  publicKey: CoseKey;
  credProtect?: number;
  largeBlobKey?: Uint8Array;
}

/** 0x0A on CTAP 2.1 keys; 0x41 when getInfo offers only credentialMgmtPreview. */
export function credMgmtCommand(info: AuthenticatorInfo): number {
  if (info.options.credMgmt === true) return CtapCommand.credentialManagement;
  if (info.options.credentialMgmtPreview === true) return CtapCommand.credentialManagementPreview;
  return CtapCommand.credentialManagement;
}

/**
 * One credMgmt request. With a token: pinUvAuthParam = authenticate(token, subCommand ‖
 * subCommandParams) (§6.8.2…§6.8.6); the GetNext sub-commands carry no auth.
 */
export function encodeCredMgmtRequest(
  subCommand: number,
  subParams?: CborParams,
  token?: PinUvAuthToken,
): CborParams {
  let auth: Uint8Array | undefined;
  if (token) {
    const encodedParams = subParams ? encodeCanonical(subParams) : new Uint8Array(0);
    const message = new Uint8Array(1 + encodedParams.length);
    message[0] = subCommand;
    message.set(encodedParams, 1);
    auth = pinProtocol(token.protocol).authenticate(token.token, message);
  }
  return params([
    [CredMgmtParam.subCommand, subCommand],
    [CredMgmtParam.subCommandParams, subParams],
    [CredMgmtParam.pinUvAuthProtocol, token?.protocol],
    [CredMgmtParam.pinUvAuthParam, auth],
  ]);
}

export function decodeMetadataResponse(value: unknown): CredsMetadata {
  const m = asMap(value, 'getCredsMetadata');
  return {
    existingResidentCredentialsCount:
      optUint(m, CredMgmtResponseKey.existingResidentCredentialsCount, 'existing') ?? 0,
    maxPossibleRemainingResidentCredentialsCount:
      optUint(m, CredMgmtResponseKey.maxPossibleRemainingResidentCredentialsCount, 'remaining') ??
      0,
  };
}

export function decodeRpResponse(value: unknown): { rp: StoredRp; total?: number } {
  const m = asMap(value, 'enumerateRPs');
  const rpMap = reqMap(m, CredMgmtResponseKey.rp, 'rp');
  const rp: StoredRp = {
    rp: { id: reqString(rpMap, 'id', 'rp.id') },
    rpIdHash: reqBytes(m, CredMgmtResponseKey.rpIDHash, 'rpIDHash'),
  };
  const name = optString(rpMap, 'name', 'rp.name');
  if (name !== undefined) rp.rp.name = name;
  return { rp, total: optUint(m, CredMgmtResponseKey.totalRPs, 'totalRPs') };
}

export function decodeCredentialResponse(value: unknown): {
  credential: StoredCredential;
  total?: number;
} {
  const m = asMap(value, 'enumerateCredentials');
  let publicKey: CoseKey;
  try {
    publicKey = toCoseKey(m.get(CredMgmtResponseKey.publicKey));
  } catch (e) {
    throw invalid(`publicKey: ${(e as Error).message}`);
  }
  const credential: StoredCredential = {
    user: decodeUser(m.get(CredMgmtResponseKey.user), 'user'),
    credentialId: decodeCredentialDescriptor(
      m.get(CredMgmtResponseKey.credentialID),
      'credentialID',
    ),
    publicKey,
  };
  const credProtect = optUint(m, CredMgmtResponseKey.credProtect, 'credProtect');
  const largeBlobKey = optBytes(m, CredMgmtResponseKey.largeBlobKey, 'largeBlobKey');
  if (credProtect !== undefined) credential.credProtect = credProtect;
  if (largeBlobKey !== undefined) credential.largeBlobKey = largeBlobKey;
  return {
    credential,
    total: optUint(m, CredMgmtResponseKey.totalCredentials, 'totalCredentials'),
  };
}

/** Never trust a key's count for a loop bound beyond this (a key holds far fewer). */
const MAX_ENUMERATION = 1000;

export class CredentialManagement {
  private readonly command: number;

  constructor(
    private readonly channel: CborChannel,
    info: AuthenticatorInfo,
    private readonly token: PinUvAuthToken,
  ) {
    this.command = credMgmtCommand(info);
  }

  private send(
    subCommand: number,
    subParams?: CborParams,
    authed = true,
    options?: CommandOptions,
  ): Promise<unknown> {
    return this.channel.sendCbor(
      this.command,
      encodeCredMgmtRequest(subCommand, subParams, authed ? this.token : undefined),
      options,
    );
  }

  async getMetadata(options?: CommandOptions): Promise<CredsMetadata> {
    return decodeMetadataResponse(
      await this.send(CredMgmtSubCommand.getCredsMetadata, undefined, true, options),
    );
  }

  async listRps(options?: CommandOptions): Promise<StoredRp[]> {
    let first: { rp: StoredRp; total?: number };
    try {
      first = decodeRpResponse(
        await this.send(CredMgmtSubCommand.enumerateRPsBegin, undefined, true, options),
      );
    } catch (e) {
      if (isCtapError(e, 'NO_CREDENTIALS')) return [];
      throw e;
    }
    const rps = [first.rp];
    const total = Math.min(first.total ?? 1, MAX_ENUMERATION);
    while (rps.length < total) {
      rps.push(
        decodeRpResponse(
          await this.send(CredMgmtSubCommand.enumerateRPsGetNextRP, undefined, false, options),
        ).rp,
      );
    }
    return rps;
  }

  /** Credentials of one RP, by rpId (hashed here) or rpIdHash. */
  async listCredentials(
    rp: string | Uint8Array,
    options?: CommandOptions,
  ): Promise<StoredCredential[]> {
    const rpIdHash = typeof rp === 'string' ? sha256(new TextEncoder().encode(rp)) : rp;
    let first: { credential: StoredCredential; total?: number };
    try {
      first = decodeCredentialResponse(
        await this.send(
          CredMgmtSubCommand.enumerateCredentialsBegin,
          params([[CredMgmtSubParam.rpIDHash, rpIdHash]]),
          true,
          options,
        ),
      );
    } catch (e) {
      if (isCtapError(e, 'NO_CREDENTIALS')) return [];
      throw e;
    }
    const creds = [first.credential];
    const total = Math.min(first.total ?? 1, MAX_ENUMERATION);
    while (creds.length < total) {
      creds.push(
        decodeCredentialResponse(
          await this.send(
            CredMgmtSubCommand.enumerateCredentialsGetNextCredential,
            undefined,
            false,
            options,
          ),
        ).credential,
      );
    }
    return creds;
  }

  async deleteCredential(credentialId: Uint8Array, options?: CommandOptions): Promise<void> {
    await this.send(
      CredMgmtSubCommand.deleteCredential,
      params([
        [
          CredMgmtSubParam.credentialID,
          encodeCredentialDescriptor({ type: 'public-key', id: credentialId }),
        ],
      ]),
      true,
      options,
    );
  }

  async updateUserInformation(
    credentialId: Uint8Array,
    user: UserEntity,
    options?: CommandOptions,
  ): Promise<void> {
    const u = new Map<string, CborValue>([['id', user.id]]);
    if (user.name !== undefined) u.set('name', user.name);
    if (user.displayName !== undefined) u.set('displayName', user.displayName);
    await this.send(
      CredMgmtSubCommand.updateUserInformation,
      params([
        [
          CredMgmtSubParam.credentialID,
          encodeCredentialDescriptor({ type: 'public-key', id: credentialId }),
        ],
        [CredMgmtSubParam.user, u],
      ]),
      true,
      options,
    );
  }
}

/**
 * The WebAuthn client part for a roaming key (what a browser does around CTAP, WebAuthn L3
 * §5.1.3 / §5.1.4 and CTAP 2.1 §5): clientDataJSON, PIN token, makeCredential/getAssertion,
 * and the results as RegistrationResponseJSON / AuthenticationResponseJSON.
 */
import { createPublicKey } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AssertionResult } from '../ctap2/assertion';
import type { Ctap2 } from '../ctap2/client';
import { CtapCommand } from '../ctap2/commands';
import type { PublicKeyCredentialDescriptor } from '../ctap2/decode';
import { CtapError, CtapStatus, isCtapError } from '../ctap2/status';
import type { Permission, PinUvAuthToken } from '../ctap2/clientPin';
import type { CommandOptions } from '../ctap2/sendCbor';
import { fromBase64Url, toBase64Url } from '../webauthn/base64url';
import { buildClientDataJSON, clientDataHash } from '../webauthn/clientData';
import { coseAlgorithm, coseKeyToJwk } from '../webauthn/cose';

export interface ClientOptions extends CommandOptions {
  origin: string;
  pin?: string;
  pinUvAuthToken?: PinUvAuthToken;
  crossOrigin?: boolean;
  select?: (assertions: AssertionResult[]) => AssertionResult;
}

/**
 * Fit an allow/exclude list to the key's limits (getInfo maxCredentialCountInList,
 * maxCredentialIdLength; CTAP 2.1 §6.2 / python-fido2 `_filter_creds`): IDs too long for the key
 * can't be its own; a list longer than the key accepts is probed in chunks with a silent
 * getAssertion (up=false, no touch), and only the credential found is sent. Credentials with
 * credProtect level 3 are invisible to the probe (it carries no UV).
 */
async function fitCredentialList(
  ctap: Ctap2,
  rpId: string,
  list: PublicKeyCredentialDescriptor[],
  options: CommandOptions,
): Promise<PublicKeyCredentialDescriptor[]> {
  const maxIdLength = ctap.info.maxCredentialIdLength;
  const usable = maxIdLength ? list.filter((c) => c.id.length <= maxIdLength) : list;
  // CTAP 2.0 keys don't report a maximum: one at a time is what every key accepts.
  const max = ctap.info.maxCredentialCountInList ?? 1;
  if (usable.length <= max) return usable;
  const probeHash = new Uint8Array(32);
  for (let i = 0; i < usable.length; i += max) {
    const chunk = usable.slice(i, i + max);
    try {
      const found = await ctap.getAssertion(
        { rpId, clientDataHash: probeHash, allowList: chunk, userPresence: false },
        { signal: options.signal, timeoutMs: options.timeoutMs },
      );
      return [found.credential];
    } catch (e) {
      if (isCtapError(e, 'NO_CREDENTIALS')) continue;
      throw e;
    }
  }
  return [];
}

function rpIdFromOrigin(origin: string): string {
  return new URL(origin).hostname;
}

type UvRequirement = 'required' | 'preferred' | 'discouraged' | undefined;

/** pinUvAuthToken for this ceremony, or built-in UV, per userVerification (CTAP 2.1 §5.1 / §5.2). */
async function userVerification(
  ctap: Ctap2,
  requirement: UvRequirement,
  client: ClientOptions,
  permission: Permission,
  rpId: string,
): Promise<{ token?: PinUvAuthToken; uv?: boolean }> {
  if (client.pinUvAuthToken) return { token: client.pinUvAuthToken };
  const o = ctap.info.options;
  const mustVerify = requirement === 'required' || o.alwaysUv === true;
  if (requirement === 'discouraged' && !mustVerify) return {};
  if (client.pin !== undefined && o.clientPin === true) {
    return {
      token: await ctap.clientPin.getPinToken(
        client.pin,
        { permissions: [permission], rpId },
        client,
      ),
    };
  }
  if (o.uv === true) return { uv: true };
  return {};
}

export async function createCredential(
  ctap: Ctap2,
  options: PublicKeyCredentialCreationOptionsJSON,
  client: ClientOptions,
): Promise<RegistrationResponseJSON> {
  const rpId = options.rp.id ?? rpIdFromOrigin(client.origin);
  const clientDataJSON = buildClientDataJSON({
    type: 'webauthn.create',
    challenge: options.challenge,
    origin: client.origin,
    crossOrigin: client.crossOrigin,
  });
  const sel = options.authenticatorSelection;
  const rkWanted =
    sel?.residentKey === 'required' ||
    sel?.requireResidentKey === true ||
    (sel?.residentKey === 'preferred' && ctap.info.options.rk === true);
  const { token, uv } = await userVerification(ctap, sel?.userVerification, client, 'mc', rpId);
  const ext = options.extensions as
    | { credentialProtectionPolicy?: string; hmacCreateSecret?: boolean; credProps?: boolean }
    | undefined;
  const credProtect =
    ext?.credentialProtectionPolicy === 'userVerificationRequired'
      ? 3
      : ext?.credentialProtectionPolicy === 'userVerificationOptionalWithCredentialIDList'
        ? 2
        : ext?.credentialProtectionPolicy === 'userVerificationOptional'
          ? 1
          : undefined;
  const result = await ctap.makeCredential(
    {
      clientDataHash: clientDataHash(clientDataJSON),
      rp: { id: rpId, name: options.rp.name },
      user: {
        id: fromBase64Url(options.user.id),
        name: options.user.name,
        displayName: options.user.displayName,
      },
      pubKeyCredParams: options.pubKeyCredParams.map((p) => ({
        type: 'public-key' as const,
        alg: p.alg,
      })),
      excludeList: await fitCredentialList(
        ctap,
        rpId,
        (options.excludeCredentials ?? []).map((c) => ({
          type: 'public-key' as const,
          id: fromBase64Url(c.id),
        })),
        client,
      ),
      residentKey: rkWanted ? true : undefined,
      userVerification: uv,
      pinUvAuthToken: token,
      extensions: {
        credProtect: credProtect as 1 | 2 | 3 | undefined,
        hmacSecret: ext?.hmacCreateSecret === true ? true : undefined,
      },
    },
    client,
  );
  const attested = result.authenticatorData.attestedCredentialData;
  if (!attested) throw new TypeError('makeCredential returned no attested credential data');
  const id = toBase64Url(attested.credentialId);
  let publicKey: string | undefined;
  try {
    const der = createPublicKey({
      key: coseKeyToJwk(attested.publicKey) as import('node:crypto').JsonWebKey,
      format: 'jwk',
    }).export({ type: 'spki', format: 'der' });
    publicKey = toBase64Url(new Uint8Array(der));
  } catch {
    publicKey = undefined; // an algorithm we can't express as SPKI: the field is optional
  }
  const clientExtensionResults: Record<string, unknown> = {};
  if (ext?.credProps) clientExtensionResults.credProps = { rk: rkWanted };
  if (ext?.hmacCreateSecret) {
    clientExtensionResults.hmacCreateSecret =
      result.authenticatorData.extensions?.get('hmac-secret') === true;
  }
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: toBase64Url(clientDataJSON),
      attestationObject: toBase64Url(result.attestationObject),
      authenticatorData: toBase64Url(result.authData),
      transports: ['usb'],
      publicKeyAlgorithm: coseAlgorithm(attested.publicKey),
      ...(publicKey ? { publicKey } : {}),
    },
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults,
  };
}

export async function getCredential(
  ctap: Ctap2,
  options: PublicKeyCredentialRequestOptionsJSON,
  client: ClientOptions,
): Promise<AuthenticationResponseJSON> {
  const rpId = options.rpId ?? rpIdFromOrigin(client.origin);
  const clientDataJSON = buildClientDataJSON({
    type: 'webauthn.get',
    challenge: options.challenge,
    origin: client.origin,
    crossOrigin: client.crossOrigin,
  });
  const { token, uv } = await userVerification(ctap, options.userVerification, client, 'ga', rpId);
  const requested = (options.allowCredentials ?? []).map((c) => ({
    type: 'public-key' as const,
    id: fromBase64Url(c.id),
  }));
  const allowList = await fitCredentialList(ctap, rpId, requested, client);
  // None of the listed credentials is on this key: what the key itself would answer.
  if (requested.length > 0 && allowList.length === 0)
    throw new CtapError(CtapStatus.NO_CREDENTIALS, CtapCommand.getAssertion);
  const params = {
    rpId,
    clientDataHash: clientDataHash(clientDataJSON),
    allowList,
    pinUvAuthToken: token,
    userVerification: uv,
  };
  const assertions =
    allowList.length > 0
      ? [await ctap.getAssertion(params, client)]
      : await ctap.getAssertions(params, client);
  const chosen = client.select ? client.select(assertions) : assertions[0];
  const id = toBase64Url(chosen.credential.id);
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: toBase64Url(clientDataJSON),
      authenticatorData: toBase64Url(chosen.authData),
      signature: toBase64Url(chosen.signature),
      ...(chosen.user ? { userHandle: toBase64Url(chosen.user.id) } : {}),
    },
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults: {},
  };
}

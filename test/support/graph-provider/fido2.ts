/**
 * FIDO2 on behalf of a person: creation options with a challenge the provider remembers
 * (with its expiry), and registration verified with @simplewebauthn/server against exactly
 * that challenge, rp id `login.microsoftonline.com`, origin `https://login.microsoftonline.com`,
 * user verification required, `packed` or `none` attestation.
 */
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import { decodeAttestationObject } from '@simplewebauthn/server/helpers';
import type { ProviderClock } from './clock';
import { newOpaqueId, type Fido2Method, type Tenant, type User } from './state';

export const ENTRA_RP_ID = 'login.microsoftonline.com';
export const ENTRA_ORIGIN = 'https://login.microsoftonline.com';

export interface Fido2Settings {
  /** AAGUID → model name the provider reports (its stand-in for the FIDO metadata service). */
  readonly models: Map<string, string>;
  /** PEM roots whose attestation the provider counts as `attested`. */
  readonly attestationRoots: string[];
}

const B64URL = /^[A-Za-z0-9_-]+$/;

export function isStrictBase64Url(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && B64URL.test(s) && s.length % 4 !== 1;
}

export function creationOptions(
  t: Tenant,
  user: User,
  clock: ProviderClock,
  timeoutMinutes: number,
  annotate: boolean,
) {
  const challenge = randomBytes(32).toString('base64url');
  const expiresAt = clock.now() + timeoutMinutes * 60_000;
  t.challenges.set(challenge, { challenge, userId: user.id, expiresAt, used: false });
  const o = (type: string, v: Record<string, unknown>) =>
    annotate ? { '@odata.type': `#microsoft.graph.${type}`, ...v } : v;
  const exclude = user.methods
    .filter((m): m is Fido2Method => m.type === 'fido2')
    .map((m) =>
      o('webauthnPublicKeyCredentialDescriptor', {
        type: 'public-key',
        id: m.credentialId,
        transports: [],
      }),
    );
  const selection: Record<string, unknown> = {
    requireResidentKey: true,
    residentKey: 'required',
    userVerification: 'required',
  };
  if (t.policy.passkeyAuthenticatorAttachment)
    selection.authenticatorAttachment = t.policy.passkeyAuthenticatorAttachment;
  return o('webauthnCredentialCreationOptions', {
    challengeTimeoutDateTime: new Date(expiresAt).toISOString(),
    publicKey: o('webauthnPublicKeyCredentialCreationOptions', {
      rp: o('webauthnPublicKeyCredentialRpEntity', { id: ENTRA_RP_ID, name: 'Microsoft' }),
      user: o('webauthnPublicKeyCredentialUserEntity', {
        id: user.webauthnUserHandle,
        name: user.userPrincipalName,
        displayName: user.displayName,
      }),
      challenge,
      pubKeyCredParams: [-7, -257].map((alg) =>
        o('webauthnPublicKeyCredentialParameters', { type: 'public-key', alg }),
      ),
      timeout: timeoutMinutes * 60_000,
      excludeCredentials: exclude,
      authenticatorSelection: o('webauthnAuthenticatorSelectionCriteria', selection),
      attestation: 'direct',
      extensions: o('webauthnAuthenticationExtensionsClientInputs', {
        hmacCreateSecret: true,
        enforceCredentialProtectionPolicy: false,
        credentialProtectionPolicy: 'userVerificationOptional',
      }),
    }),
  });
}

export type RegistrationOutcome =
  | { ok: true; method: Fido2Method }
  | { ok: false; status: 400 | 409; code: string; message: string };

const fail = (status: 400 | 409, code: string, message: string): RegistrationOutcome => ({
  ok: false,
  status,
  code,
  message,
});

export async function register(
  t: Tenant,
  user: User,
  body: unknown,
  clock: ProviderClock,
  settings: Fido2Settings,
): Promise<RegistrationOutcome> {
  if (typeof body !== 'object' || body === null)
    return fail(400, 'badRequest', 'The request body is not a fido2AuthenticationMethod.');
  const b = body as { displayName?: unknown; publicKeyCredential?: unknown };
  const pkc = b.publicKeyCredential as
    | {
        id?: unknown;
        response?: { clientDataJSON?: unknown; attestationObject?: unknown };
        clientExtensionResults?: unknown;
      }
    | undefined;
  if (b.displayName !== undefined && typeof b.displayName !== 'string')
    return fail(400, 'badRequest', "Property 'displayName' must be a string.");
  if (!pkc || typeof pkc !== 'object' || !pkc.response || typeof pkc.response !== 'object')
    return fail(400, 'badRequest', "Property 'publicKeyCredential' is required.");
  const { id } = pkc;
  const { clientDataJSON, attestationObject } = pkc.response;
  for (const [name, v] of [
    ['publicKeyCredential.id', id],
    ['response.clientDataJSON', clientDataJSON],
    ['response.attestationObject', attestationObject],
  ] as const)
    if (!isStrictBase64Url(v))
      return fail(400, 'badRequest', `Property '${name}' is not Base64URL without padding.`);
  const credId = id as string;

  // A credential already registered (to anyone in the tenant) is a conflict, whatever the challenge.
  if (t.credentialIndex.has(credId))
    return fail(
      409,
      'conflict',
      'A FIDO2 security key with this credential ID is already registered.',
    );

  let clientData: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
  try {
    clientData = JSON.parse(Buffer.from(clientDataJSON as string, 'base64url').toString('utf8'));
  } catch {
    return fail(400, 'badRequest', 'clientDataJSON is not JSON.');
  }
  const challenge = typeof clientData.challenge === 'string' ? clientData.challenge : '';
  const issued = t.challenges.get(challenge);
  if (!issued || issued.userId !== user.id)
    return fail(400, 'invalidChallenge', 'The challenge is not valid for this user.');
  if (issued.used) return fail(400, 'invalidChallenge', 'The challenge was already used.');
  if (clock.now() > issued.expiresAt)
    return fail(
      400,
      'challengeExpired',
      'The challenge has expired. Request new creation options.',
    );
  if (clientData.crossOrigin === true)
    return fail(400, 'badRequest', 'Cross-origin registration is not accepted.');

  let fmt: string;
  let x5c: Uint8Array[];
  try {
    const att = decodeAttestationObject(Buffer.from(attestationObject as string, 'base64url'));
    fmt = att.get('fmt');
    x5c = (att.get('attStmt').get('x5c') as Uint8Array[] | undefined) ?? [];
  } catch {
    return fail(400, 'badRequest', 'attestationObject is not valid CBOR.');
  }
  if (fmt !== 'packed' && fmt !== 'none')
    return fail(
      400,
      'badRequest',
      `Attestation format '${fmt}' is not supported (packed or none).`,
    );

  issued.used = true;
  // Reserve the credential id while verifying, so a concurrent duplicate also gets 409.
  t.credentialIndex.set(credId, [user.id, '']);
  const outcome = await verifyAndStore(
    t,
    user,
    b,
    credId,
    challenge,
    clientDataJSON as string,
    attestationObject as string,
    x5c,
    clock,
    settings,
  );
  if (!outcome.ok) t.credentialIndex.delete(credId);
  return outcome;
}

async function verifyAndStore(
  t: Tenant,
  user: User,
  b: { displayName?: unknown },
  credId: string,
  challenge: string,
  clientDataJSON: string,
  attestationObject: string,
  x5c: Uint8Array[],
  clock: ProviderClock,
  settings: Fido2Settings,
): Promise<RegistrationOutcome> {
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: {
        id: credId,
        rawId: credId,
        type: 'public-key',
        response: { clientDataJSON, attestationObject },
        clientExtensionResults: {},
      },
      expectedChallenge: challenge,
      expectedOrigin: ENTRA_ORIGIN,
      expectedRPID: ENTRA_RP_ID,
      expectedType: 'webauthn.create',
      requireUserVerification: true,
      supportedAlgorithmIDs: [-7, -257],
    });
  } catch (e) {
    return fail(
      400,
      'badRequest',
      `The registration could not be verified: ${(e as Error).message}`,
    );
  }
  if (!verification.verified || !verification.registrationInfo)
    return fail(400, 'badRequest', 'The registration could not be verified.');
  const info = verification.registrationInfo;
  if (info.credential.id !== credId)
    return fail(
      400,
      'badRequest',
      'publicKeyCredential.id does not match the attested credential.',
    );

  const aaGuid = info.aaguid;
  const attested = x5c.length > 0 && chainsToRoot(x5c, settings.attestationRoots);
  const policy = t.policy;
  if (policy.passkeyAllowedAaguids.length && !policy.passkeyAllowedAaguids.includes(aaGuid))
    return fail(400, 'badRequest', 'This security key model is not allowed by the passkey policy.');
  if (policy.passkeyEnforceAttestation && !attested)
    return fail(
      400,
      'badRequest',
      'The passkey policy requires attestation and this key could not be attested.',
    );

  const method: Fido2Method = {
    type: 'fido2',
    id: newOpaqueId(),
    createdDateTime: clock.iso(),
    displayName:
      typeof b.displayName === 'string' && b.displayName
        ? b.displayName
        : (settings.models.get(aaGuid) ?? 'Security key'),
    aaGuid,
    model: settings.models.get(aaGuid) ?? null,
    attestationLevel: attested ? 'attested' : 'notAttested',
    attestationCertificates: x5c.map((der) => createHash('sha1').update(der).digest('hex')),
    credentialId: credId,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    signCount: info.credential.counter,
  };
  user.methods.push(method);
  t.credentialIndex.set(credId, [user.id, method.id]);
  return { ok: true, method };
}

function chainsToRoot(x5c: Uint8Array[], roots: string[]): boolean {
  try {
    const chain = x5c.map((der) => new X509Certificate(Buffer.from(der)));
    for (let i = 0; i < chain.length - 1; i++)
      if (!chain[i].verify(chain[i + 1].publicKey)) return false;
    const top = chain[chain.length - 1];
    return roots.some((pem) => {
      const root = new X509Certificate(pem);
      return top.checkIssued(root) && top.verify(root.publicKey);
    });
  } catch {
    return false;
  }
}

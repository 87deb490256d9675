/**
 * User verification shared by the ceremonies and clientPIN (CTAP 2.1 §6.1.2, §6.2.2, §6.5.5.7):
 * token authorization and spending, the zero-length probe, built-in UV, user presence.
 */
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import { asBytes, asInt, asText, fail, optional, required, type CborMap } from './params';
import { KeySession, Permission, MAX_UV_RETRIES } from './session';

/**
 * The permissions (0x09) and permissions RP ID (0x0a) of a token request (§6.5.5.7): none at all
 * is INVALID_PARAMETER; largeBlobs and unknown bits are refused (no key has largeBlobs), bio
 * enrollment unless the profile has a fingerprint sensor with bioEnrollment (0x09).
 */
export function requestedPermissions(
  session: KeySession,
  p: CborMap,
): {
  permissions: number;
  rpId: string | undefined;
} {
  const permissions = required(p, 0x09, asInt);
  const rpId = optional(p, 0x0a, asText);
  if (permissions === 0) fail(CtapStatus.INVALID_PARAMETER);
  const refused =
    Permission.lbw | (session.config.profile.fingerprint === 'full' ? 0 : Permission.be);
  if (permissions & refused || permissions & ~0x3f) fail(CtapStatus.UNAUTHORIZED_PERMISSION);
  return { permissions, rpId };
}

/** Where makeCredential and getAssertion keep their pinUvAuth members, and what a token must allow. */
export interface CeremonyKeys {
  readonly command: number;
  readonly paramKey: number;
  readonly protocolKey: number;
  readonly permission: number;
}

export const MAKE_CREDENTIAL: CeremonyKeys = {
  command: CtapCommand.makeCredential,
  paramKey: 0x08,
  protocolKey: 0x09,
  permission: Permission.mc,
};

export const GET_ASSERTION: CeremonyKeys = {
  command: CtapCommand.getAssertion,
  paramKey: 0x06,
  protocolKey: 0x07,
  permission: Permission.ga,
};

/** Zero-length pinUvAuthParam probe (§6.1.2 step 1, §6.2.2 step 1). */
export async function pinUvAuthProbe(
  session: KeySession,
  command: number,
  signal: AbortSignal,
): Promise<never> {
  const outcome = await session.host.userPresence(command, signal);
  if (outcome === 'cancelled') fail(CtapStatus.KEEPALIVE_CANCEL);
  if (outcome !== 'touched') fail(CtapStatus.OPERATION_DENIED);
  // CTAP 2.1 answers PIN_INVALID here (CTAP 2.0 said PIN_AUTH_INVALID).
  if (!session.pinSet) fail(CtapStatus.PIN_NOT_SET);
  fail(session.config.profile.probeStatus21 ? CtapStatus.PIN_INVALID : CtapStatus.PIN_AUTH_INVALID);
}

/**
 * performBuiltInUv (§6.5.5.7.3): one fingerprint gesture, which is also user presence.
 * A non-matching finger costs a UV retry; at 0 the method is blocked (UV_BLOCKED).
 */
export async function performBuiltInUv(
  session: KeySession,
  command: number,
  signal: AbortSignal,
): Promise<void> {
  if (session.uvRetries === 0) fail(CtapStatus.UV_BLOCKED);
  await session.presence(command, signal);
  if (!session.host.uvMatches()) {
    session.state.uvRetries = session.uvRetries - 1;
    session.save();
    fail(session.state.uvRetries === 0 ? CtapStatus.UV_BLOCKED : CtapStatus.UV_INVALID);
  }
  if (session.uvRetries !== MAX_UV_RETRIES) {
    session.state.uvRetries = MAX_UV_RETRIES;
    session.save();
  }
}

/**
 * A fresh pinUvAuthToken (§6.5.5.7): earlier token state is reset, the new one is in use,
 * user-verified, and goes to the platform encrypted with the shared secret.

/** Token checks shared by makeCredential/getAssertion: permission + RP binding. */
export function authorizeToken(
  session: KeySession,
  p: CborMap,
  ceremony: CeremonyKeys,
  clientDataHash: Uint8Array,
  rpId: string,
): void {
  const protocol = session.protocol(p.get(ceremony.protocolKey));
  const param = asBytes(p.get(ceremony.paramKey));
  // A pinUvAuthParam on a key without PIN: CTAP 2.0's PIN_NOT_SET (2.1 is silent; OpenSK agrees).
  if (!session.pinSet && !session.uvConfigured) fail(CtapStatus.PIN_NOT_SET);
  if (!session.verifyToken(protocol, clientDataHash, param)) fail(CtapStatus.PIN_AUTH_INVALID);
  if ((session.token.permissions & ceremony.permission) === 0) fail(CtapStatus.PIN_AUTH_INVALID);
  if (session.token.rpId !== undefined && session.token.rpId !== rpId)
    fail(CtapStatus.PIN_AUTH_INVALID);
  if (session.token.rpId === undefined) session.token.rpId = rpId;
}

/** After a ceremony collected UP with a token: clearUserPresentFlag(), clearUserVerifiedFlag(), clearPinUvAuthTokenPermissionsExceptLbw(). */
export function spendToken(session: KeySession): void {
  // CTAP 2.0 / preview tokens (getPinToken) stay valid until power-up or a PIN change.
  if (!session.config.profile.pinUvAuthToken) return;
  session.token.userPresent = false;
  session.token.userVerified = false;
  session.token.permissions &= Permission.lbw;
}

/**
 * The pinUvAuthParam of makeCredential/getAssertion (§6.1.2, §6.2.2 steps 1-2). A zero-length
 * one is the platform's touch-to-select probe, answered by the caller; any other needs a
 * supported pinUvAuthProtocol beside it.
 */
export function readPinUvAuthParam(
  session: KeySession,
  ceremony: CeremonyKeys,
  p: CborMap,
): Uint8Array | undefined {
  const param = optional(p, ceremony.paramKey, asBytes);
  if (param && param.length > 0) {
    if (!p.has(ceremony.protocolKey)) fail(CtapStatus.MISSING_PARAMETER);
    session.protocol(p.get(ceremony.protocolKey));
  }
  return param;
}

/**
 * The user-verification steps makeCredential (§6.1.2 step 11) and getAssertion (§6.2.2 step 5-6)
 * share: a pinUvAuthParam is checked against the token, else "uv" runs built-in UV, whose
 * gesture also counts as the ceremony's user presence (upDone).
 */
export async function verifyUser(
  session: KeySession,
  ceremony: CeremonyKeys,
  p: CborMap,
  pinUvAuthParam: Uint8Array | undefined,
  uvOpt: boolean | undefined,
  clientDataHash: Uint8Array,
  rpId: string,
  signal: AbortSignal,
): Promise<{ uv: boolean; upDone: boolean }> {
  let uv = false;
  if (pinUvAuthParam) {
    authorizeToken(session, p, ceremony, clientDataHash, rpId);
    uv = true;
  }
  let upDone = false;
  if (uvOpt === true) {
    await performBuiltInUv(session, ceremony.command, signal);
    uv = true;
    upDone = true;
  }
  return { uv, upDone };
}

/**
 * User presence of makeCredential (§6.1.2 step 14) and getAssertion (§6.2.2 step 9): a token's
 * cached presence counts once, built-in UV's gesture already counted; a token is spent after.
 */
export async function collectPresence(
  session: KeySession,
  command: number,
  pinUvAuthParam: Uint8Array | undefined,
  upDone: boolean,
  signal: AbortSignal,
): Promise<void> {
  if (pinUvAuthParam && session.token.userPresent) session.token.userPresent = false;
  else if (!upDone) await session.presence(command, signal);
  if (pinUvAuthParam) spendToken(session);
}

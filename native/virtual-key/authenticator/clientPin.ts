/**
 * authenticatorClientPIN (CTAP 2.1 §6.5.5): retries, key agreement, setPIN, changePIN and the
 * pinUvAuthToken subcommands.
 */
import { type CborValue } from '../../cbor';
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import { KeyAgreementError, PinUvAuthProtocol } from '../pinProtocol';
import { pinIsTooSimple } from '../profiles';
import { MAX_PIN_RETRIES, pinMatches, storePin } from '../state';
import { sha256 } from '../keys';
import { performBuiltInUv, requestedPermissions } from './userVerification';
import { asBytes, asInt, asMap, concat, fail, required, type CborMap } from './params';
import { KeySession, Permission } from './session';

export function clientPin(
  session: KeySession,
  p: CborMap,
  signal: AbortSignal,
): Promise<CborValue | undefined> | CborValue | undefined {
  const sub = required(p, 0x02, asInt);
  // getPINRetries needs no protocol (§6.5.5.2).
  if (sub === 0x01) {
    return new Map<CborValue, CborValue>([
      [0x03, session.state.pinRetries],
      [0x04, session.pinAuthBlocked],
    ]);
  }
  // CTAP 2.0 and the previews know getRetries, getKeyAgreement, setPIN, changePIN, getPinToken.
  if (!session.config.profile.pinUvAuthToken && ![0x02, 0x03, 0x04, 0x05].includes(sub))
    fail(CtapStatus.INVALID_SUBCOMMAND);
  if ((sub === 0x06 || sub === 0x07) && !session.hasBuiltInUv) fail(CtapStatus.INVALID_SUBCOMMAND);
  if (sub === 0x07) return new Map<CborValue, CborValue>([[0x05, session.uvRetries]]);
  if (![0x02, 0x03, 0x04, 0x05, 0x06, 0x09].includes(sub)) fail(CtapStatus.INVALID_SUBCOMMAND);
  const protocol = session.protocol(required(p, 0x01, (v) => v));
  switch (sub) {
    case 0x02:
      return new Map<CborValue, CborValue>([[0x01, protocol.getPublicKey()]]);
    case 0x03:
      return setPin(session, p, protocol);
    case 0x04:
      return changePin(session, p, protocol);
    case 0x05:
      return getPinToken(session, p, protocol, false);
    case 0x06:
      return getUvToken(session, p, protocol, signal);
    default:
      return getPinToken(session, p, protocol, true);
  }
}

export function sharedSecret(
  session: KeySession,
  p: CborMap,
  protocol: PinUvAuthProtocol,
): Uint8Array {
  const peer = required(p, 0x03, asMap);
  try {
    return protocol.decapsulate(peer);
  } catch (e) {
    if (e instanceof KeyAgreementError) fail(CtapStatus.INVALID_PARAMETER);
    throw e;
  }
}

/** Decrypt and check a new PIN (§6.5.5.5 steps for newPinEnc): returns hash + length. */
export function acceptNewPin(
  session: KeySession,
  protocol: PinUvAuthProtocol,
  shared: Uint8Array,
  newPinEnc: Uint8Array,
): { hash: Uint8Array; codePoints: number } {
  const padded = protocol.decrypt(shared, newPinEnc);
  if (!padded) fail(CtapStatus.PIN_AUTH_INVALID);
  if (padded.length !== 64) fail(CtapStatus.INVALID_PARAMETER);
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  const pinBytes = padded.subarray(0, end);
  if (pinBytes.length > 63) fail(CtapStatus.PIN_POLICY_VIOLATION);
  let pin: string;
  try {
    pin = new TextDecoder('utf-8', { fatal: true }).decode(pinBytes);
  } catch {
    fail(CtapStatus.PIN_POLICY_VIOLATION);
  }
  const codePoints = [...pin].length;
  if (codePoints < session.state.minPinLength) fail(CtapStatus.PIN_POLICY_VIOLATION);
  // The key's own rules (getInfo maxPINLength, pinComplexityPolicy).
  const profile = session.config.profile;
  if (codePoints > profile.maxPinLength) fail(CtapStatus.PIN_POLICY_VIOLATION);
  if (profile.pinComplexityPolicy && pinIsTooSimple(pin)) fail(CtapStatus.PIN_POLICY_VIOLATION);
  return { hash: sha256(pinBytes).subarray(0, 16), codePoints };
}

export function setPin(session: KeySession, p: CborMap, protocol: PinUvAuthProtocol): undefined {
  required(p, 0x03, asMap);
  const newPinEnc = required(p, 0x05, asBytes);
  const param = required(p, 0x04, asBytes);
  if (session.pinSet) fail(CtapStatus.PIN_AUTH_INVALID); // §6.5.5.5 step 3 (changePIN is the way)
  const shared = sharedSecret(session, p, protocol);
  if (!protocol.verify(shared, newPinEnc, param)) fail(CtapStatus.PIN_AUTH_INVALID);
  const pin = acceptNewPin(session, protocol, shared, newPinEnc);
  session.state.pin = storePin(pin.hash, session.host.rng.bytes(16), pin.codePoints);
  session.state.pinRetries = MAX_PIN_RETRIES;
  session.state.forcePinChange = false;
  session.save();
  return undefined;
}

/**
 * Check pinHashEnc against the stored PIN with the real retry semantics (§6.5.5.5,
 * §6.5.5.7.1): decrement BEFORE comparing; on mismatch re-initialize the protocols
 * (new key-agreement key, token reset); 0 retries → PIN_BLOCKED; 3rd consecutive
 * mismatch this power cycle → PIN_AUTH_BLOCKED; else PIN_INVALID.
 */
export function checkPinHash(
  session: KeySession,
  protocol: PinUvAuthProtocol,
  shared: Uint8Array,
  pinHashEnc: Uint8Array,
): void {
  const stored = session.state.pin;
  if (!stored) fail(CtapStatus.PIN_NOT_SET);
  if (session.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
  if (session.pinAuthBlocked) fail(CtapStatus.PIN_AUTH_BLOCKED);
  session.state.pinRetries -= 1;
  session.save();
  const pinHash = protocol.decrypt(shared, pinHashEnc);
  if (!pinHash || !pinMatches(stored, pinHash)) {
    for (const pp of session.protocols.values()) pp.regenerate();
    session.resetToken();
    session.consecutiveMismatches += 1;
    if (session.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
    if (session.consecutiveMismatches >= 3) fail(CtapStatus.PIN_AUTH_BLOCKED);
    fail(CtapStatus.PIN_INVALID);
  }
  session.consecutiveMismatches = 0;
  session.state.pinRetries = MAX_PIN_RETRIES;
  delete session.state.uvRetries; // the PIN unblocks built-in UV (§6.5.5.7.1)
  session.save();
}

export function changePin(session: KeySession, p: CborMap, protocol: PinUvAuthProtocol): undefined {
  required(p, 0x03, asMap);
  const pinHashEnc = required(p, 0x06, asBytes);
  const newPinEnc = required(p, 0x05, asBytes);
  const param = required(p, 0x04, asBytes);
  if (!session.pinSet) fail(CtapStatus.PIN_NOT_SET);
  if (session.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
  const shared = sharedSecret(session, p, protocol);
  if (!protocol.verify(shared, concat(newPinEnc, pinHashEnc), param))
    fail(CtapStatus.PIN_AUTH_INVALID);
  checkPinHash(session, protocol, shared, pinHashEnc);
  const pin = acceptNewPin(session, protocol, shared, newPinEnc);
  // A forced change must actually change the PIN (§6.5.5.5).
  if (session.state.forcePinChange && session.state.pin && pinMatches(session.state.pin, pin.hash))
    fail(CtapStatus.PIN_POLICY_VIOLATION);
  session.state.pin = storePin(pin.hash, session.host.rng.bytes(16), pin.codePoints);
  session.state.forcePinChange = false;
  session.resetToken();
  session.save();
  return undefined;
}

/**
 * A fresh pinUvAuthToken (§6.5.5.7): earlier token state is reset, the new one is in use,
 * user-verified, and goes to the platform encrypted with the shared secret.
 */
export function issueToken(
  session: KeySession,
  protocol: PinUvAuthProtocol,
  shared: Uint8Array,
  grant: { permissions: number; rpId: string | undefined; userPresent: boolean; legacy: boolean },
): CborValue {
  session.resetToken();
  session.token = {
    ...session.token,
    protocol: protocol.version,
    inUse: true,
    permissions: grant.permissions,
    rpId: grant.rpId,
    userPresent: grant.userPresent,
    userVerified: true,
    issuedAt: session.host.clock(),
    legacy: grant.legacy,
  };
  return new Map<CborValue, CborValue>([[0x02, protocol.encrypt(shared, session.token.bytes)]]);
}

/** getPinUvAuthTokenUsingUvWithPermissions (0x06, §6.5.5.7.3). */
export async function getUvToken(
  session: KeySession,
  p: CborMap,
  protocol: PinUvAuthProtocol,
  signal: AbortSignal,
): Promise<CborValue> {
  required(p, 0x03, asMap);
  const { permissions, rpId } = requestedPermissions(session, p);
  const shared = sharedSecret(session, p, protocol);
  await performBuiltInUv(session, CtapCommand.clientPIN, signal);
  return issueToken(session, protocol, shared, {
    permissions,
    rpId,
    userPresent: true,
    legacy: false,
  });
}

/** getPinToken (0x05, legacy) and getPinUvAuthTokenUsingPinWithPermissions (0x09). */
export function getPinToken(
  session: KeySession,
  p: CborMap,
  protocol: PinUvAuthProtocol,
  withPermissions: boolean,
): CborValue {
  required(p, 0x03, asMap);
  const pinHashEnc = required(p, 0x06, asBytes);
  let permissions = Permission.mc | Permission.ga;
  let rpId: string | undefined;
  if (withPermissions) {
    ({ permissions, rpId } = requestedPermissions(session, p));
  } else if (p.has(0x09) || p.has(0x0a)) {
    fail(CtapStatus.INVALID_PARAMETER);
  }
  if (!session.pinSet) fail(CtapStatus.PIN_NOT_SET);
  if (session.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
  const shared = sharedSecret(session, p, protocol);
  checkPinHash(session, protocol, shared, pinHashEnc);
  if (session.state.forcePinChange) fail(CtapStatus.PIN_POLICY_VIOLATION);
  return issueToken(session, protocol, shared, {
    permissions,
    rpId,
    userPresent: false,
    legacy: !withPermissions,
  });
}

/**
 * authenticatorMakeCredential (CTAP 2.1 §6.1.2). Step numbers refer to its algorithm list.
 */
import { encodeCanonical, type CborValue } from '../../cbor';
import { CtapCommand } from '../../ctap2/commands';
import { CtapStatus } from '../../ctap2/status';
import { aaguidBytes } from '../attestation';
import { CoseAlg, newCredentialKey, sha256, type CredentialAlg } from '../keys';
import {
  MAKE_CREDENTIAL,
  collectPresence,
  pinUvAuthProbe,
  readPinUvAuthParam,
  verifyUser,
} from './userVerification';
import {
  asArray,
  asBool,
  asBytes,
  asInt,
  asMap,
  asText,
  b64u,
  concat,
  crop64,
  descriptorList,
  fail,
  optional,
  required,
  utf8,
  type CborMap,
} from './params';
import { KeySession, MAX_CRED_BLOB_LENGTH, type CredentialSecret } from './session';

export async function makeCredential(
  session: KeySession,
  p: CborMap,
  signal: AbortSignal,
): Promise<CborValue> {
  const pinUvAuthParam = readPinUvAuthParam(session, MAKE_CREDENTIAL, p);
  if (pinUvAuthParam?.length === 0) return pinUvAuthProbe(session, MAKE_CREDENTIAL.command, signal);
  const clientDataHash = required(p, 0x01, asBytes);
  const rp = required(p, 0x02, asMap);
  const user = required(p, 0x03, asMap);
  const params = required(p, 0x04, asArray);
  const rpId = required(rp, 'id', asText);
  const rpName = crop64(optional(rp, 'name', asText));
  const userId = required(user, 'id', asBytes);
  if (userId.length > 64) fail(CtapStatus.INVALID_PARAMETER);
  // Stored strings are cropped to 64 bytes on a character boundary (§6.1.2, user entity).
  const userName = crop64(optional(user, 'name', asText));
  const userDisplayName = crop64(optional(user, 'displayName', asText));
  const excludeList = p.has(0x05) ? descriptorList(p.get(0x05)) : [];
  const extensions = session.supportedExtensions(optional(p, 0x06, asMap));
  const options = optional(p, 0x07, asMap);

  // Step 3: first supported algorithm of the RP's list.
  let alg: CredentialAlg | undefined;
  for (const item of params) {
    const m = asMap(item);
    const a = required(m, 'alg', asInt);
    const type = required(m, 'type', asText);
    if (alg === undefined && type === 'public-key' && (a === CoseAlg.ES256 || a === CoseAlg.EdDSA))
      alg = a;
  }
  if (alg === undefined) fail(CtapStatus.UNSUPPORTED_ALGORITHM);

  // Step 5: options.
  const rk = options ? (optional(options, 'rk', asBool) ?? false) : false;
  const upOpt = options ? optional(options, 'up', asBool) : undefined;
  let uvOpt = options ? optional(options, 'uv', asBool) : undefined;
  if (upOpt === false) fail(CtapStatus.INVALID_OPTION);
  if (pinUvAuthParam) uvOpt = false; // a pinUvAuthParam takes precedence over "uv"
  if (uvOpt === true && !session.uvConfigured) fail(CtapStatus.INVALID_OPTION);

  // Step 6-7: alwaysUv / makeCredUvNotRqd.
  if (!pinUvAuthParam && uvOpt !== true) {
    if (session.state.alwaysUv) {
      if (session.uvConfigured) uvOpt = true;
      else fail(CtapStatus.PUAT_REQUIRED);
    } else if (session.pinSet && (rk || !session.config.profile.makeCredUvNotRqd)) {
      // Without makeCredUvNotRqd (CTAP 2.0, the previews) every credential needs the PIN.
      fail(CtapStatus.PUAT_REQUIRED);
    }
  }
  if (p.has(0x0a)) fail(CtapStatus.INVALID_PARAMETER); // not enterprise-attestation capable

  // Step 11: pinUvAuthParam; step 11.2: built-in UV (its gesture is the presence of step 14).
  const { uv, upDone } = await verifyUser(
    session,
    MAKE_CREDENTIAL,
    p,
    pinUvAuthParam,
    uvOpt,
    clientDataHash,
    rpId,
    signal,
  );
  const rpIdHash = sha256(utf8(rpId));

  // Step 12: excludeList — touch, then CREDENTIAL_EXCLUDED.
  for (const d of excludeList) {
    const c = session.resolveCredential(d.id, rpIdHash);
    if (!c) continue;
    if (c.secret.credProtect === 3 && !uv) continue;
    const outcome = await session.host.userPresence(CtapCommand.makeCredential, signal);
    if (outcome === 'cancelled') fail(CtapStatus.KEEPALIVE_CANCEL);
    fail(CtapStatus.CREDENTIAL_EXCLUDED);
  }

  // Extensions (§12).
  let credProtect: 1 | 2 | 3 = 1;
  let hmacSecret = false;
  let credBlob: Uint8Array | undefined;
  let wantMinPinLength = false;
  if (extensions) {
    const cp = optional(extensions, 'credProtect', asInt);
    if (cp !== undefined) {
      if (cp !== 1 && cp !== 2 && cp !== 3) fail(CtapStatus.INVALID_PARAMETER);
      credProtect = cp;
    }
    hmacSecret = optional(extensions, 'hmac-secret', asBool) ?? false;
    credBlob = optional(extensions, 'credBlob', asBytes);
    wantMinPinLength = optional(extensions, 'minPinLength', asBool) ?? false;
  }

  // Step 14: user presence (a token's cached presence counts once).
  await collectPresence(session, MAKE_CREDENTIAL.command, pinUvAuthParam, upDone, signal);

  // Step 17: discoverable storage.
  const existing = rk
    ? session.state.credentials.find((c) => c.rpId === rpId && c.userId === b64u(userId))
    : undefined;
  if (rk && !existing && session.discoverableCount >= session.config.capacity)
    fail(CtapStatus.KEY_STORE_FULL);

  // The key's own time: a key pair and the attestation signature (option keyTimeMs).
  await session.host.keyWork(2);
  const key = newCredentialKey(alg, session.host.rng, session.config.deterministicSignatures);
  const secret: CredentialSecret = {
    alg,
    privateBytes: key.privateBytes,
    credProtect,
    hmacSecret,
    discoverable: rk,
  };
  const credentialId = session.sealCredential(secret, rpIdHash);
  const storedBlob =
    rk && credBlob && credBlob.length <= MAX_CRED_BLOB_LENGTH ? credBlob : undefined;
  if (rk) {
    if (existing)
      session.state.credentials = session.state.credentials.filter((c) => c !== existing);
    session.state.creationCounter += 1;
    session.state.credentials.push({
      credentialId: b64u(credentialId),
      rpId,
      ...(rpName !== undefined ? { rpName } : {}),
      userId: b64u(userId),
      ...(userName !== undefined ? { userName } : {}),
      ...(userDisplayName !== undefined ? { userDisplayName } : {}),
      alg,
      credProtect,
      ...(storedBlob ? { credBlob: b64u(storedBlob) } : {}),
      created: session.state.creationCounter,
    });
    session.save();
  }

  const extOut = new Map<CborValue, CborValue>();
  if (extensions?.has('credProtect')) extOut.set('credProtect', credProtect);
  if (hmacSecret) extOut.set('hmac-secret', true);
  if (credBlob !== undefined) extOut.set('credBlob', storedBlob !== undefined);
  if (wantMinPinLength && session.state.minPinLengthRpIds.includes(rpId))
    extOut.set('minPinLength', session.state.minPinLength);

  const idLen = new Uint8Array(2);
  new DataView(idLen.buffer).setUint16(0, credentialId.length);
  const attested = concat(aaguidBytes(), idLen, credentialId, encodeCanonical(key.cosePublicKey));
  const flags = 0x01 | (uv ? 0x04 : 0);
  const authData = session.authData(rpIdHash, flags, session.nextSignCount(), attested, extOut);
  const signed = concat(authData, clientDataHash);
  const sig = session.attestationSignature(signed);
  return new Map<CborValue, CborValue>([
    [0x01, 'packed'],
    [0x02, authData],
    [
      0x03,
      new Map<CborValue, CborValue>([
        ['alg', CoseAlg.ES256],
        ['sig', sig],
        ['x5c', [session.attestation.batchCertDer]],
      ]),
    ],
  ]);
}

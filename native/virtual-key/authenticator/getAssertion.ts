/**
 * authenticatorGetAssertion (CTAP 2.1 §6.2.2) and authenticatorGetNextAssertion (§6.3).
 */
import { type CborValue } from '../../cbor';
import { CtapStatus } from '../../ctap2/status';
import { credentialKeyFromBytes, hmacSha256, sha256, type CredentialKey } from '../keys';
import {
  GET_ASSERTION,
  collectPresence,
  pinUvAuthProbe,
  readPinUvAuthParam,
  verifyUser,
} from './userVerification';
import {
  asBool,
  asBytes,
  asMap,
  asText,
  concat,
  descriptorList,
  fail,
  fromB64u,
  optional,
  required,
  utf8,
  type CborMap,
} from './params';
import {
  KeySession,
  NEXT_ASSERTION_TIMEOUT_MS,
  type AssertionContinuation,
  type HmacSecretInput,
  type ResolvedCredential,
} from './session';

export async function getAssertion(
  session: KeySession,
  p: CborMap,
  signal: AbortSignal,
): Promise<CborValue> {
  const pinUvAuthParam = readPinUvAuthParam(session, GET_ASSERTION, p);
  if (pinUvAuthParam?.length === 0) return pinUvAuthProbe(session, GET_ASSERTION.command, signal);
  const rpId = required(p, 0x01, asText);
  const clientDataHash = required(p, 0x02, asBytes);
  const allowList = p.has(0x03) ? descriptorList(p.get(0x03)) : undefined;
  const extensions = session.supportedExtensions(optional(p, 0x04, asMap));
  const options = optional(p, 0x05, asMap);
  if (options?.has('rk')) fail(CtapStatus.UNSUPPORTED_OPTION);
  const up = options ? (optional(options, 'up', asBool) ?? true) : true;
  let uvOpt = options ? optional(options, 'uv', asBool) : undefined;
  if (pinUvAuthParam) uvOpt = false;
  if (uvOpt === true && !session.uvConfigured) fail(CtapStatus.INVALID_OPTION);
  if (!pinUvAuthParam && uvOpt !== true && session.state.alwaysUv && up) {
    if (session.uvConfigured) uvOpt = true;
    else fail(CtapStatus.PUAT_REQUIRED);
  }

  // Step 5: pinUvAuthParam; step 6.2: built-in UV before locating credentials (its gesture
  // is the presence too).
  const { uv, upDone } = await verifyUser(
    session,
    GET_ASSERTION,
    p,
    pinUvAuthParam,
    uvOpt,
    clientDataHash,
    rpId,
    signal,
  );
  const rpIdHash = sha256(utf8(rpId));

  // Step 7: locate credentials; credProtect filters (§12.1).
  let found: ResolvedCredential[] = [];
  const fromAllowList = allowList !== undefined && allowList.length > 0;
  if (fromAllowList) {
    for (const d of allowList) {
      const c = session.resolveCredential(d.id, rpIdHash);
      if (c && (c.secret.credProtect < 3 || uv)) {
        found = [c];
        break;
      }
    }
  } else {
    found = session.state.credentials
      .filter((c) => c.rpId === rpId)
      .sort((a, b) => b.created - a.created)
      .map((c) => session.resolveCredential(fromB64u(c.credentialId), rpIdHash))
      .filter(
        (c): c is ResolvedCredential => c !== undefined && (c.secret.credProtect === 1 || uv),
      );
  }

  // Extensions input (validated before UP so errors don't cost a touch).
  let hmacSecret: HmacSecretInput | undefined;
  let credBlob = false;
  if (extensions) {
    const hs = optional(extensions, 'hmac-secret', asMap);
    // hmac-secret needs user presence (§12.5; OpenSK: UNSUPPORTED_OPTION).
    if (hs && !up) fail(CtapStatus.UNSUPPORTED_OPTION);
    if (hs) hmacSecret = hmacSecretInput(session, hs);
    credBlob = optional(extensions, 'credBlob', asBool) ?? false;
  }
  if (found.length === 0) fail(CtapStatus.NO_CREDENTIALS);

  // Step 9: user presence.
  if (up) await collectPresence(session, GET_ASSERTION.command, pinUvAuthParam, upDone, signal);

  const [first, ...rest] = found;
  const cont: AssertionContinuation = {
    rpIdHash,
    clientDataHash,
    remaining: rest,
    up,
    uv,
    hmacSecret,
    credBlob,
    total: found.length,
    deadline: session.host.clock() + NEXT_ASSERTION_TIMEOUT_MS,
  };
  await session.host.keyWork(1);
  const reply = assertionFor(session, first, cont, !fromAllowList);
  if (!fromAllowList && found.length > 1) reply.set(0x05, found.length);
  session.nextAssertion = rest.length > 0 ? cont : undefined;
  return reply;
}

export async function getNextAssertion(session: KeySession): Promise<CborValue> {
  const cont = session.nextAssertion;
  if (!cont || cont.remaining.length === 0 || session.host.clock() > cont.deadline) {
    session.nextAssertion = undefined;
    fail(CtapStatus.NOT_ALLOWED);
  }
  const next = cont.remaining.shift() as ResolvedCredential;
  cont.deadline = session.host.clock() + NEXT_ASSERTION_TIMEOUT_MS;
  await session.host.keyWork(1);
  const reply = assertionFor(session, next, cont, true);
  if (cont.remaining.length === 0) session.nextAssertion = undefined;
  return reply;
}

export function hmacSecretInput(session: KeySession, hs: CborMap): HmacSecretInput {
  const protocol = hs.has(4) ? session.protocol(hs.get(4)) : session.protocol(1);
  const keyAgreement = required(hs, 1, asMap);
  const saltEnc = required(hs, 2, asBytes);
  const saltAuth = required(hs, 3, asBytes);
  let shared: Uint8Array;
  try {
    shared = protocol.decapsulate(keyAgreement);
  } catch {
    fail(CtapStatus.INVALID_PARAMETER);
  }
  if (!protocol.verify(shared, saltEnc, saltAuth)) fail(CtapStatus.PIN_AUTH_INVALID);
  const salts = protocol.decrypt(shared, saltEnc);
  if (!salts || (salts.length !== 32 && salts.length !== 64)) fail(CtapStatus.INVALID_PARAMETER);
  return { protocol, sharedSecret: shared, salts };
}

export function assertionFor(
  session: KeySession,
  cred: ResolvedCredential,
  cont: AssertionContinuation,
  discoverableFlow: boolean,
): Map<CborValue, CborValue> {
  const ext = new Map<CborValue, CborValue>();
  if (cont.hmacSecret && cred.secret.hmacSecret) {
    const { protocol, sharedSecret, salts } = cont.hmacSecret;
    const cr = session.credRandom(cred, cont.uv);
    let out = hmacSha256(cr, salts.subarray(0, 32));
    if (salts.length === 64) out = concat(out, hmacSha256(cr, salts.subarray(32, 64)));
    ext.set('hmac-secret', protocol.encrypt(sharedSecret, out));
  }
  if (cont.credBlob && cred.stored)
    ext.set('credBlob', cred.stored.credBlob ? fromB64u(cred.stored.credBlob) : new Uint8Array(0));
  const flags = (cont.up ? 0x01 : 0) | (cont.uv ? 0x04 : 0);
  const authData = session.authData(cont.rpIdHash, flags, session.nextSignCount(), undefined, ext);
  const key: CredentialKey = credentialKeyFromBytes(
    cred.secret.alg,
    cred.secret.privateBytes,
    session.config.deterministicSignatures,
  );
  const signature = key.sign(concat(authData, cont.clientDataHash));
  const reply = new Map<CborValue, CborValue>([
    [
      0x01,
      new Map<CborValue, CborValue>([
        ['id', cred.id],
        ['type', 'public-key'],
      ]),
    ],
    [0x02, authData],
    [0x03, signature],
  ]);
  if (cred.stored && (discoverableFlow || cred.secret.discoverable)) {
    // Name and displayName only after user verification (§6.2.2, "user" member).
    const u = new Map<CborValue, CborValue>([['id', fromB64u(cred.stored.userId)]]);
    if (cont.uv) {
      if (cred.stored.userName !== undefined) u.set('name', cred.stored.userName);
      if (cred.stored.userDisplayName !== undefined)
        u.set('displayName', cred.stored.userDisplayName);
    }
    reply.set(0x04, u);
  }
  return reply;
}

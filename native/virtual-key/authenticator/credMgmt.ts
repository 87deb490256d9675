/**
 * authenticatorCredentialManagement (CTAP 2.1 §6.8), also answered as the FIDO_2_1_PRE
 * preview command 0x41.
 */
import { type CborValue } from '../../cbor';
import { CtapStatus } from '../../ctap2/status';
import { rawMapValue } from '../cborRaw';
import { credentialKeyFromBytes, sha256 } from '../keys';
import type { StoredCredential } from '../state';
import type { Enumeration } from './session';
import {
  asBytes,
  asInt,
  asMap,
  asText,
  b64u,
  concat,
  crop64,
  fail,
  fromB64u,
  optional,
  required,
  utf8,
  type CborMap,
} from './params';
import { KeySession, Permission } from './session';

/**
 * One entry of an enumeration: the begin subcommand also answers the total (under totalKey), a
 * "next" without an entry left is NOT_ALLOWED. `more` says whether entries remain after this one.
 */
function enumerationStep<T>(
  e: Enumeration<T> | undefined,
  entry: (item: T) => Map<CborValue, CborValue>,
  totalKey: number | undefined,
): { reply: Map<CborValue, CborValue>; more: boolean } {
  if (!e || e.index >= e.items.length) fail(CtapStatus.NOT_ALLOWED);
  const reply = entry(e.items[e.index++]);
  if (totalKey !== undefined) reply.set(totalKey, e.items.length);
  return { reply, more: e.index < e.items.length };
}

export function credentialManagement(
  session: KeySession,
  p: CborMap,
  raw: Uint8Array,
  preview: boolean,
): CborValue | undefined {
  const sub = required(p, 0x01, asInt);
  const params = optional(p, 0x02, asMap);
  if (sub === 0x03) return nextRp(session);
  if (sub === 0x05) return nextCredential(session);
  if (![0x01, 0x02, 0x04, 0x06, 0x07].includes(sub)) fail(CtapStatus.INVALID_SUBCOMMAND);
  session.rpEnumeration = undefined;
  session.credEnumeration = undefined;
  // Authorization (§6.8.1-§6.8.6 first steps).
  const param = optional(p, 0x04, asBytes);
  if (!param) fail(CtapStatus.PUAT_REQUIRED);
  if (!p.has(0x03)) fail(CtapStatus.MISSING_PARAMETER);
  const protocol = session.protocol(p.get(0x03));
  const rawParams = rawMapValue(raw, 0x02) ?? new Uint8Array(0);
  if (!session.verifyToken(protocol, concat(Uint8Array.of(sub), rawParams), param))
    fail(CtapStatus.PIN_AUTH_INVALID);
  const permitted =
    (session.token.permissions & Permission.cm) !== 0 || (preview && session.token.legacy);
  if (!permitted) fail(CtapStatus.PIN_AUTH_INVALID);
  const boundRp = session.token.rpId;

  switch (sub) {
    case 0x01:
      if (boundRp !== undefined && !session.token.legacy) fail(CtapStatus.PIN_AUTH_INVALID);
      return new Map<CborValue, CborValue>([
        [0x01, session.discoverableCount],
        [0x02, Math.max(0, session.config.capacity - session.discoverableCount)],
      ]);
    case 0x02: {
      if (boundRp !== undefined && !session.token.legacy) fail(CtapStatus.PIN_AUTH_INVALID);
      const rpIds: string[] = [];
      for (const c of [...session.state.credentials].sort((a, b) => a.created - b.created))
        if (!rpIds.includes(c.rpId)) rpIds.push(c.rpId);
      if (rpIds.length === 0) fail(CtapStatus.NO_CREDENTIALS);
      session.rpEnumeration = { items: rpIds, index: 0 };
      return nextRp(session, 0x05);
    }
    case 0x04: {
      if (!params) fail(CtapStatus.MISSING_PARAMETER);
      const rpIdHash = required(params, 0x01, asBytes);
      const creds = session.state.credentials
        .filter((c) => Buffer.from(sha256(utf8(c.rpId))).equals(rpIdHash))
        .sort((a, b) => a.created - b.created);
      if (
        boundRp !== undefined &&
        !session.token.legacy &&
        !Buffer.from(sha256(utf8(boundRp))).equals(rpIdHash)
      )
        fail(CtapStatus.PIN_AUTH_INVALID);
      if (creds.length === 0) fail(CtapStatus.NO_CREDENTIALS);
      session.credEnumeration = { items: creds, index: 0 };
      return nextCredential(session, 0x09);
    }
    case 0x06: {
      if (!params) fail(CtapStatus.MISSING_PARAMETER);
      const stored = findByDescriptor(session, required(params, 0x02, asMap));
      if (boundRp !== undefined && !session.token.legacy && stored.rpId !== boundRp)
        fail(CtapStatus.PIN_AUTH_INVALID);
      session.state.credentials = session.state.credentials.filter((c) => c !== stored);
      session.save();
      return undefined;
    }
    default: {
      if (!params) fail(CtapStatus.MISSING_PARAMETER);
      const stored = findByDescriptor(session, required(params, 0x02, asMap));
      const user = required(params, 0x03, asMap);
      const userId = required(user, 'id', asBytes);
      if (boundRp !== undefined && !session.token.legacy && stored.rpId !== boundRp)
        fail(CtapStatus.PIN_AUTH_INVALID);
      if (b64u(userId) !== stored.userId) fail(CtapStatus.INVALID_PARAMETER);
      const name = crop64(optional(user, 'name', asText));
      const displayName = crop64(optional(user, 'displayName', asText));
      // Absent or empty fields are removed (§6.8.6).
      if (name) stored.userName = name;
      else delete stored.userName;
      if (displayName) stored.userDisplayName = displayName;
      else delete stored.userDisplayName;
      session.save();
      return undefined;
    }
  }
}

export function findByDescriptor(session: KeySession, d: CborMap): StoredCredential {
  const id = required(d, 'id', asBytes);
  const stored = session.state.credentials.find((c) => c.credentialId === b64u(id));
  if (!stored) fail(CtapStatus.NO_CREDENTIALS);
  return stored;
}

export function rpEntry(session: KeySession, rpId: string): Map<CborValue, CborValue> {
  const withName = session.state.credentials.find((c) => c.rpId === rpId && c.rpName !== undefined);
  const rp = new Map<CborValue, CborValue>([['id', rpId]]);
  if (withName?.rpName !== undefined) rp.set('name', withName.rpName);
  return new Map<CborValue, CborValue>([
    [0x03, rp],
    [0x04, sha256(utf8(rpId))],
  ]);
}

export function credentialEntry(
  session: KeySession,
  c: StoredCredential,
): Map<CborValue, CborValue> {
  const id = fromB64u(c.credentialId);
  const resolved = session.resolveCredential(id, sha256(utf8(c.rpId)));
  const user = new Map<CborValue, CborValue>([['id', fromB64u(c.userId)]]);
  if (c.userName !== undefined) user.set('name', c.userName);
  if (c.userDisplayName !== undefined) user.set('displayName', c.userDisplayName);
  const reply = new Map<CborValue, CborValue>([
    [0x06, user],
    [
      0x07,
      new Map<CborValue, CborValue>([
        ['id', id],
        ['type', 'public-key'],
      ]),
    ],
  ]);
  if (resolved)
    reply.set(
      0x08,
      credentialKeyFromBytes(resolved.secret.alg, resolved.secret.privateBytes).cosePublicKey,
    );
  reply.set(0x0a, c.credProtect);
  return reply;
}

/** enumerateRPsBegin (totalKey 0x05, totalRPs) or enumerateRPsGetNextRP (§6.8.2). */
export function nextRp(session: KeySession, totalKey?: number): CborValue {
  const { reply, more } = enumerationStep(
    session.rpEnumeration,
    (id) => rpEntry(session, id),
    totalKey,
  );
  if (!more) session.rpEnumeration = undefined;
  return reply;
}

/** enumerateCredentialsBegin (totalKey 0x09, totalCredentials) or …GetNextCredential (§6.8.3). */
export function nextCredential(session: KeySession, totalKey?: number): CborValue {
  const { reply, more } = enumerationStep(
    session.credEnumeration,
    (c) => credentialEntry(session, c),
    totalKey,
  );
  if (!more) session.credEnumeration = undefined;
  return reply;
}

/**
 * The CTAP 2.1 authenticator API of the virtual key (CTAP 2.1 §6): one request
 * (command byte ‖ CBOR parameters) in, one response (status byte ‖ canonical CBOR) out.
 * Step numbers in comments refer to the algorithm lists of CTAP 2.1 PS (2021-06-15).
 */
import { decodeCbor, encodeCanonical, type CborValue } from '../cbor';
import { CtapCommand } from '../ctap2/commands';
import { CtapStatus } from '../ctap2/status';
import { aaguidBytes, type AttestationIdentity } from './attestation';
import { rawMapValue } from './cborRaw';
import { signP256Deterministic } from './ecdsa';
import {
  CoseAlg,
  aesGcmOpen,
  aesGcmSeal,
  credentialKeyFromBytes,
  hmacSha256,
  newCredentialKey,
  p256FromScalar,
  sha256,
  type CredentialAlg,
  type CredentialKey,
} from './keys';
import { KeyAgreementError, PinUvAuthProtocol, type PinProtocolVersion } from './pinProtocol';
import type { RandomSource } from './rng';
import {
  MAX_PIN_RETRIES,
  pinMatches,
  storePin,
  type StoredCredential,
  type VirtualKeyState,
} from './state';
import { sign } from 'node:crypto';

/** pinUvAuthToken permissions (CTAP 2.1 §6.5.5.7). */
export const Permission = {
  mc: 0x01,
  ga: 0x02,
  cm: 0x04,
  be: 0x08,
  lbw: 0x10,
  acfg: 0x20,
} as const;

export type PresenceOutcome = 'touched' | 'denied' | 'timeout' | 'cancelled';

/** What the authenticator needs from the device around it. */
export interface AuthenticatorHost {
  readonly rng: RandomSource;
  clock(): number;
  /** Ask for a touch; resolves with the outcome. `signal` aborts on CTAPHID_CANCEL. */
  userPresence(command: number, signal: AbortSignal): Promise<PresenceOutcome>;
  /** Persist the state after a change. */
  stateChanged(): void;
  onReset(): void;
  /** Built-in UV: does the next gesture verify the user (a matching finger)? */
  uvMatches(): boolean;
}

export interface AuthenticatorConfig {
  readonly capacity: number;
  readonly firmwareVersion: number;
  readonly pinUvAuthProtocols: readonly PinProtocolVersion[];
  readonly resetWindowMs: number;
  /** A built-in user-verification method (e.g. fingerprint) is present and enrolled. */
  readonly builtInUv: boolean;
  /** Seeded mode: ES256 signatures with RFC 6979 nonces, so replies are byte-reproducible. */
  readonly deterministicSignatures: boolean;
}

export const MAX_MSG_SIZE = 1200;
const MAX_CRED_BLOB_LENGTH = 32;
const MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH = 4;
const MAX_CREDENTIAL_COUNT_IN_LIST = 8;
const MAX_CREDENTIAL_ID_LENGTH = 128;
/** pinUvAuthToken max usage time (§6.5.2.1 suggests 10 minutes). */
const TOKEN_MAX_USAGE_MS = 10 * 60_000;
/** authenticatorGetNextAssertion must follow within 30 s (§6.3). */
const NEXT_ASSERTION_TIMEOUT_MS = 30_000;
const CRED_ID_VERSION = 0x01;
/** Built-in UV attempts before UV_BLOCKED (CTAP 2.1 §6.5.5.3 getUVRetries). */
export const MAX_UV_RETRIES = 8;

/** A CTAP status to return; thrown inside command handlers. */
class CtapFail extends Error {
  constructor(readonly status: number) {
    super(`CTAP status 0x${status.toString(16)}`);
  }
}
function fail(status: number): never {
  throw new CtapFail(status);
}

// ---- parameter access on decoded CBOR (hostile input: every type is checked) -------------

type CborMap = Map<unknown, unknown>;

function asMap(v: unknown): CborMap {
  if (!(v instanceof Map)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
function asBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return new Uint8Array(v);
}
function asText(v: unknown): string {
  if (typeof v !== 'string') fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
function asInt(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
function asBool(v: unknown): boolean {
  if (typeof v !== 'boolean') fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
function asArray(v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(CtapStatus.CBOR_UNEXPECTED_TYPE);
  return v;
}
function required<T>(m: CborMap, key: number | string, as: (v: unknown) => T): T {
  if (!m.has(key)) fail(CtapStatus.MISSING_PARAMETER);
  return as(m.get(key));
}
function optional<T>(m: CborMap, key: number | string, as: (v: unknown) => T): T | undefined {
  return m.has(key) ? as(m.get(key)) : undefined;
}

function decodeParams(body: Uint8Array): CborMap {
  if (body.length === 0) fail(CtapStatus.MISSING_PARAMETER);
  let v: unknown;
  try {
    v = decodeCbor(body);
  } catch {
    fail(CtapStatus.INVALID_CBOR);
  }
  return asMap(v);
}

interface CredentialDescriptor {
  readonly id: Uint8Array;
}

/** PublicKeyCredentialDescriptor list; entries of another type are skipped (WebAuthn §5.8.3). */
function descriptorList(v: unknown): CredentialDescriptor[] {
  const out: CredentialDescriptor[] = [];
  for (const item of asArray(v)) {
    const m = asMap(item);
    const type = required(m, 'type', asText);
    const id = required(m, 'id', asBytes);
    if (type === 'public-key') out.push({ id });
  }
  return out;
}

/** Crop to at most 64 UTF-8 bytes without splitting a character. */
function crop64(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > 64) break;
    out += ch;
    bytes += n;
  }
  return out;
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Contents sealed inside every credential ID (AAD = rpIdHash, so IDs are bound to the RP). */
interface CredentialSecret {
  readonly alg: CredentialAlg;
  readonly privateBytes: Uint8Array;
  readonly credProtect: 1 | 2 | 3;
  readonly hmacSecret: boolean;
  readonly discoverable: boolean;
}

interface ResolvedCredential {
  readonly id: Uint8Array;
  readonly secret: CredentialSecret;
  readonly stored?: StoredCredential;
}

interface PinToken {
  bytes: Uint8Array;
  protocol: PinProtocolVersion;
  inUse: boolean;
  permissions: number;
  rpId?: string;
  userPresent: boolean;
  userVerified: boolean;
  issuedAt: number;
  /** Obtained with getPinToken (0x05): usable for FIDO_2_1_PRE credentialManagement (0x41). */
  legacy: boolean;
}

interface HmacSecretInput {
  readonly protocol: PinUvAuthProtocol;
  readonly sharedSecret: Uint8Array;
  readonly salts: Uint8Array;
}

interface AssertionContinuation {
  readonly rpIdHash: Uint8Array;
  readonly clientDataHash: Uint8Array;
  readonly remaining: ResolvedCredential[];
  readonly up: boolean;
  readonly uv: boolean;
  readonly hmacSecret?: HmacSecretInput;
  readonly credBlob: boolean;
  readonly total: number;
  deadline: number;
}

/**
 * The permissions (0x09) and permissions RP ID (0x0a) of a token request (§6.5.5.7): none at all
 * is INVALID_PARAMETER; bio enrollment, largeBlobs and unknown bits are refused, as this key has
 * neither.
 */
function requestedPermissions(p: CborMap): { permissions: number; rpId: string | undefined } {
  const permissions = required(p, 0x09, asInt);
  const rpId = optional(p, 0x0a, asText);
  if (permissions === 0) fail(CtapStatus.INVALID_PARAMETER);
  if (permissions & (Permission.be | Permission.lbw) || permissions & ~0x3f)
    fail(CtapStatus.UNAUTHORIZED_PERMISSION);
  return { permissions, rpId };
}

/** A credential-management enumeration in progress (§6.8.2, §6.8.3): index is the next entry. */
interface Enumeration<T> {
  readonly items: readonly T[];
  index: number;
}

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

/** Where makeCredential and getAssertion keep their pinUvAuth members, and what a token must allow. */
interface CeremonyKeys {
  readonly command: number;
  readonly paramKey: number;
  readonly protocolKey: number;
  readonly permission: number;
}

const MAKE_CREDENTIAL: CeremonyKeys = {
  command: CtapCommand.makeCredential,
  paramKey: 0x08,
  protocolKey: 0x09,
  permission: Permission.mc,
};

const GET_ASSERTION: CeremonyKeys = {
  command: CtapCommand.getAssertion,
  paramKey: 0x06,
  protocolKey: 0x07,
  permission: Permission.ga,
};

export class Authenticator {
  private protocols = new Map<PinProtocolVersion, PinUvAuthProtocol>();
  private token!: PinToken;
  private consecutiveMismatches = 0;
  private powerUpAt = 0;
  private nextAssertion?: AssertionContinuation;
  private rpEnumeration?: Enumeration<string>;
  private credEnumeration?: Enumeration<StoredCredential>;

  constructor(
    private readonly host: AuthenticatorHost,
    private readonly config: AuthenticatorConfig,
    public state: VirtualKeyState,
    private readonly attestation: AttestationIdentity,
  ) {
    for (const v of config.pinUvAuthProtocols)
      this.protocols.set(v, new PinUvAuthProtocol(v, host.rng));
    this.powerUp();
  }

  /** Power-up: new key-agreement keys and token, retry-per-boot counter and reset window. */
  powerUp(): void {
    for (const p of this.protocols.values()) p.regenerate();
    this.resetToken();
    this.consecutiveMismatches = 0;
    this.powerUpAt = this.host.clock();
    this.nextAssertion = undefined;
    this.rpEnumeration = undefined;
    this.credEnumeration = undefined;
  }

  /** True when 3 consecutive mismatches require a power cycle (getRetries powerCycleState). */
  get pinAuthBlocked(): boolean {
    return this.consecutiveMismatches >= 3;
  }

  /** Handle one CTAPHID_CBOR request. Never throws: failures become status bytes. */
  async handle(request: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    if (request.length === 0) return Uint8Array.of(CtapStatus.INVALID_LENGTH);
    const command = request[0];
    const body = request.subarray(1);
    if (command !== CtapCommand.getNextAssertion) this.nextAssertion = undefined;
    if (
      command !== CtapCommand.credentialManagement &&
      command !== CtapCommand.credentialManagementPreview
    ) {
      this.rpEnumeration = undefined;
      this.credEnumeration = undefined;
    }
    if (request.length > MAX_MSG_SIZE) return Uint8Array.of(CtapStatus.REQUEST_TOO_LARGE);
    try {
      const result = await this.dispatch(command, body, signal);
      if (result === undefined) return Uint8Array.of(CtapStatus.SUCCESS);
      return concat(Uint8Array.of(CtapStatus.SUCCESS), encodeCanonical(result));
    } catch (e) {
      if (e instanceof CtapFail) return Uint8Array.of(e.status);
      return Uint8Array.of(CtapStatus.OTHER);
    }
  }

  private dispatch(
    command: number,
    body: Uint8Array,
    signal: AbortSignal,
  ): Promise<CborValue | undefined> | CborValue | undefined {
    switch (command) {
      case CtapCommand.getInfo:
        return this.getInfo();
      case CtapCommand.makeCredential:
        return this.makeCredential(decodeParams(body), signal);
      case CtapCommand.getAssertion:
        return this.getAssertion(decodeParams(body), signal);
      case CtapCommand.getNextAssertion:
        return this.getNextAssertion();
      case CtapCommand.clientPIN:
        return this.clientPin(decodeParams(body), signal);
      case CtapCommand.reset:
        return this.reset(signal);
      case CtapCommand.credentialManagement:
        return this.credentialManagement(decodeParams(body), body, false);
      case CtapCommand.credentialManagementPreview:
        return this.credentialManagement(decodeParams(body), body, true);
      case CtapCommand.selection:
        return this.selection(signal);
      case CtapCommand.config:
        return this.authenticatorConfig(decodeParams(body), body);
      default:
        return fail(CtapStatus.INVALID_COMMAND);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private get pinSet(): boolean {
    return this.state.pin !== undefined;
  }

  private get discoverableCount(): number {
    return this.state.credentials.length;
  }

  private resetToken(): void {
    this.token = {
      bytes: this.host.rng.bytes(32),
      protocol: this.config.pinUvAuthProtocols[0] ?? 2,
      inUse: false,
      permissions: 0,
      userPresent: false,
      userVerified: false,
      issuedAt: 0,
      legacy: false,
    };
  }

  private protocol(v: unknown): PinUvAuthProtocol {
    const version = asInt(v);
    const p = this.protocols.get(version as PinProtocolVersion);
    if (!p) fail(CtapStatus.INVALID_PARAMETER);
    return p;
  }

  private tokenUsable(): boolean {
    if (!this.token.inUse) return false;
    if (this.host.clock() - this.token.issuedAt > TOKEN_MAX_USAGE_MS) {
      this.token.inUse = false;
      return false;
    }
    return true;
  }

  /** verify(pinUvAuthToken, message, pinUvAuthParam) with the token's own protocol. */
  private verifyToken(
    protocol: PinUvAuthProtocol,
    message: Uint8Array,
    param: Uint8Array,
  ): boolean {
    if (!this.tokenUsable() || protocol.version !== this.token.protocol) return false;
    return protocol.verify(this.token.bytes, message, param);
  }

  private async presence(command: number, signal: AbortSignal): Promise<void> {
    const outcome = await this.host.userPresence(command, signal);
    if (outcome === 'touched') return;
    if (outcome === 'denied') fail(CtapStatus.OPERATION_DENIED);
    if (outcome === 'timeout') fail(CtapStatus.USER_ACTION_TIMEOUT);
    fail(CtapStatus.KEEPALIVE_CANCEL);
  }

  private save(): void {
    this.host.stateChanged();
  }

  private sealCredential(secret: CredentialSecret, rpIdHash: Uint8Array): Uint8Array {
    const plain = encodeCanonical(
      new Map<number, CborValue>([
        [1, secret.alg],
        [2, secret.privateBytes],
        [3, secret.credProtect],
        [4, secret.hmacSecret],
        [5, secret.discoverable],
      ]),
    );
    const sealed = aesGcmSeal(
      fromHex(this.state.masterKeyHex),
      this.host.rng.bytes(12),
      plain,
      rpIdHash,
    );
    return concat(Uint8Array.of(CRED_ID_VERSION), sealed);
  }

  /** Open a credential ID for this RP; undefined if it is not ours, not for this RP or deleted. */
  private resolveCredential(id: Uint8Array, rpIdHash: Uint8Array): ResolvedCredential | undefined {
    if (id.length < 2 || id[0] !== CRED_ID_VERSION || id.length > MAX_CREDENTIAL_ID_LENGTH)
      return undefined;
    const plain = aesGcmOpen(fromHex(this.state.masterKeyHex), id.subarray(1), rpIdHash);
    if (!plain) return undefined;
    try {
      const m = asMap(decodeCbor(plain));
      const alg = asInt(m.get(1));
      const secret: CredentialSecret = {
        alg: alg === CoseAlg.EdDSA ? CoseAlg.EdDSA : CoseAlg.ES256,
        privateBytes: asBytes(m.get(2)),
        credProtect: asInt(m.get(3)) as 1 | 2 | 3,
        hmacSecret: asBool(m.get(4)),
        discoverable: asBool(m.get(5)),
      };
      if (!secret.discoverable) return { id, secret };
      const stored = this.state.credentials.find((c) => c.credentialId === b64u(id));
      return stored ? { id, secret, stored } : undefined;
    } catch {
      return undefined;
    }
  }

  private credRandom(cred: ResolvedCredential, uv: boolean): Uint8Array {
    return hmacSha256(
      fromHex(this.state.credRandomKeyHex),
      utf8('hmac-secret'),
      Uint8Array.of(uv ? 1 : 0),
      cred.secret.privateBytes,
    );
  }

  private nextSignCount(): number {
    this.state.signCount = (this.state.signCount + 1) >>> 0;
    this.save();
    return this.state.signCount;
  }

  /** authenticatorData (WebAuthn §6.1): rpIdHash ‖ flags ‖ signCount ‖ [attestedCredData] ‖ [ext]. */
  private authData(
    rpIdHash: Uint8Array,
    flags: number,
    signCount: number,
    attested?: Uint8Array,
    extensions?: Map<CborValue, CborValue>,
  ): Uint8Array {
    const ext = extensions && extensions.size > 0 ? encodeCanonical(extensions) : undefined;
    const f = flags | (attested ? 0x40 : 0) | (ext ? 0x80 : 0);
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, signCount);
    return concat(
      rpIdHash,
      Uint8Array.of(f),
      counter,
      attested ?? new Uint8Array(0),
      ext ?? new Uint8Array(0),
    );
  }

  /** Zero-length pinUvAuthParam probe (§6.1.2 step 1, §6.2.2 step 1). */
  private async pinUvAuthProbe(command: number, signal: AbortSignal): Promise<never> {
    const outcome = await this.host.userPresence(command, signal);
    if (outcome === 'cancelled') fail(CtapStatus.KEEPALIVE_CANCEL);
    if (outcome !== 'touched') fail(CtapStatus.OPERATION_DENIED);
    // CTAP 2.1 answers PIN_INVALID here (CTAP 2.0 said PIN_AUTH_INVALID).
    fail(this.pinSet ? CtapStatus.PIN_INVALID : CtapStatus.PIN_NOT_SET);
  }

  // ---- authenticatorGetInfo (§6.4) -------------------------------------------------------

  getInfo(): CborValue {
    const s = this.state;
    const options = new Map<CborValue, CborValue>([
      ['rk', true],
      ['up', true],
      ['plat', false],
      ['clientPin', this.pinSet],
      ['credMgmt', true],
      ['credentialMgmtPreview', true],
      ['authnrCfg', true],
      ['setMinPINLength', true],
      ['alwaysUv', s.alwaysUv],
      ['pinUvAuthToken', true],
      // makeCredUvNotRqd must be absent/false while alwaysUv is on (§7.2.2).
      ['makeCredUvNotRqd', !s.alwaysUv],
    ]);
    if (this.config.builtInUv) options.set('uv', true);
    return new Map<CborValue, CborValue>([
      [0x01, ['FIDO_2_0', 'FIDO_2_1_PRE', 'FIDO_2_1']],
      [0x02, ['credBlob', 'credProtect', 'hmac-secret', 'minPinLength']],
      [0x03, aaguidBytes()],
      [0x04, options],
      [0x05, MAX_MSG_SIZE],
      [0x06, [...this.config.pinUvAuthProtocols]],
      [0x07, MAX_CREDENTIAL_COUNT_IN_LIST],
      [0x08, MAX_CREDENTIAL_ID_LENGTH],
      [0x09, ['usb']],
      [
        0x0a,
        [
          new Map<CborValue, CborValue>([
            ['alg', CoseAlg.ES256],
            ['type', 'public-key'],
          ]),
          new Map<CborValue, CborValue>([
            ['alg', CoseAlg.EdDSA],
            ['type', 'public-key'],
          ]),
        ],
      ],
      [0x0c, s.forcePinChange],
      [0x0d, s.minPinLength],
      [0x0e, this.config.firmwareVersion],
      [0x0f, MAX_CRED_BLOB_LENGTH],
      [0x10, MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH],
      [0x14, Math.max(0, this.config.capacity - this.discoverableCount)],
      // uvModality (0x12): FIDO registry USER_VERIFY_FINGERPRINT_INTERNAL.
      ...(this.config.builtInUv ? ([[0x12, 0x02]] as [CborValue, CborValue][]) : []),
    ]);
  }

  // ---- authenticatorClientPIN (§6.5.5) ---------------------------------------------------

  private clientPin(
    p: CborMap,
    signal: AbortSignal,
  ): Promise<CborValue | undefined> | CborValue | undefined {
    const sub = required(p, 0x02, asInt);
    // getPINRetries needs no protocol (§6.5.5.2).
    if (sub === 0x01) {
      return new Map<CborValue, CborValue>([
        [0x03, this.state.pinRetries],
        [0x04, this.pinAuthBlocked],
      ]);
    }
    if ((sub === 0x06 || sub === 0x07) && !this.config.builtInUv)
      fail(CtapStatus.INVALID_SUBCOMMAND);
    if (sub === 0x07) return new Map<CborValue, CborValue>([[0x05, this.uvRetries]]);
    if (![0x02, 0x03, 0x04, 0x05, 0x06, 0x09].includes(sub)) fail(CtapStatus.INVALID_SUBCOMMAND);
    const protocol = this.protocol(required(p, 0x01, (v) => v));
    switch (sub) {
      case 0x02:
        return new Map<CborValue, CborValue>([[0x01, protocol.getPublicKey()]]);
      case 0x03:
        return this.setPin(p, protocol);
      case 0x04:
        return this.changePin(p, protocol);
      case 0x05:
        return this.getPinToken(p, protocol, false);
      case 0x06:
        return this.getUvToken(p, protocol, signal);
      default:
        return this.getPinToken(p, protocol, true);
    }
  }

  private sharedSecret(p: CborMap, protocol: PinUvAuthProtocol): Uint8Array {
    const peer = required(p, 0x03, asMap);
    try {
      return protocol.decapsulate(peer);
    } catch (e) {
      if (e instanceof KeyAgreementError) fail(CtapStatus.INVALID_PARAMETER);
      throw e;
    }
  }

  /** Decrypt and check a new PIN (§6.5.5.5 steps for newPinEnc): returns hash + length. */
  private acceptNewPin(
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
    if (codePoints < this.state.minPinLength) fail(CtapStatus.PIN_POLICY_VIOLATION);
    return { hash: sha256(pinBytes).subarray(0, 16), codePoints };
  }

  private setPin(p: CborMap, protocol: PinUvAuthProtocol): undefined {
    required(p, 0x03, asMap);
    const newPinEnc = required(p, 0x05, asBytes);
    const param = required(p, 0x04, asBytes);
    if (this.pinSet) fail(CtapStatus.PIN_AUTH_INVALID); // §6.5.5.5 step 3 (changePIN is the way)
    const shared = this.sharedSecret(p, protocol);
    if (!protocol.verify(shared, newPinEnc, param)) fail(CtapStatus.PIN_AUTH_INVALID);
    const pin = this.acceptNewPin(protocol, shared, newPinEnc);
    this.state.pin = storePin(pin.hash, this.host.rng.bytes(16), pin.codePoints);
    this.state.pinRetries = MAX_PIN_RETRIES;
    this.state.forcePinChange = false;
    this.save();
    return undefined;
  }

  /**
   * Check pinHashEnc against the stored PIN with the real retry semantics (§6.5.5.5,
   * §6.5.5.7.1): decrement BEFORE comparing; on mismatch re-initialize the protocols
   * (new key-agreement key, token reset); 0 retries → PIN_BLOCKED; 3rd consecutive
   * mismatch this power cycle → PIN_AUTH_BLOCKED; else PIN_INVALID.
   */
  private checkPinHash(
    protocol: PinUvAuthProtocol,
    shared: Uint8Array,
    pinHashEnc: Uint8Array,
  ): void {
    const stored = this.state.pin;
    if (!stored) fail(CtapStatus.PIN_NOT_SET);
    if (this.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
    if (this.pinAuthBlocked) fail(CtapStatus.PIN_AUTH_BLOCKED);
    this.state.pinRetries -= 1;
    this.save();
    const pinHash = protocol.decrypt(shared, pinHashEnc);
    if (!pinHash || !pinMatches(stored, pinHash)) {
      for (const pp of this.protocols.values()) pp.regenerate();
      this.resetToken();
      this.consecutiveMismatches += 1;
      if (this.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
      if (this.consecutiveMismatches >= 3) fail(CtapStatus.PIN_AUTH_BLOCKED);
      fail(CtapStatus.PIN_INVALID);
    }
    this.consecutiveMismatches = 0;
    this.state.pinRetries = MAX_PIN_RETRIES;
    this.save();
  }

  private changePin(p: CborMap, protocol: PinUvAuthProtocol): undefined {
    required(p, 0x03, asMap);
    const pinHashEnc = required(p, 0x06, asBytes);
    const newPinEnc = required(p, 0x05, asBytes);
    const param = required(p, 0x04, asBytes);
    if (!this.pinSet) fail(CtapStatus.PIN_NOT_SET);
    if (this.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
    const shared = this.sharedSecret(p, protocol);
    if (!protocol.verify(shared, concat(newPinEnc, pinHashEnc), param))
      fail(CtapStatus.PIN_AUTH_INVALID);
    this.checkPinHash(protocol, shared, pinHashEnc);
    const pin = this.acceptNewPin(protocol, shared, newPinEnc);
    // A forced change must actually change the PIN (§6.5.5.5).
    if (this.state.forcePinChange && this.state.pin && pinMatches(this.state.pin, pin.hash))
      fail(CtapStatus.PIN_POLICY_VIOLATION);
    this.state.pin = storePin(pin.hash, this.host.rng.bytes(16), pin.codePoints);
    this.state.forcePinChange = false;
    this.resetToken();
    this.save();
    return undefined;
  }

  private get uvRetries(): number {
    return this.state.uvRetries ?? MAX_UV_RETRIES;
  }

  /**
   * performBuiltInUv (§6.5.5.7.3): one fingerprint gesture, which is also user presence.
   * A non-matching finger costs a UV retry; at 0 the method is blocked (UV_BLOCKED).
   */
  private async performBuiltInUv(command: number, signal: AbortSignal): Promise<void> {
    if (this.uvRetries === 0) fail(CtapStatus.UV_BLOCKED);
    await this.presence(command, signal);
    if (!this.host.uvMatches()) {
      this.state.uvRetries = this.uvRetries - 1;
      this.save();
      fail(this.state.uvRetries === 0 ? CtapStatus.UV_BLOCKED : CtapStatus.UV_INVALID);
    }
    if (this.uvRetries !== MAX_UV_RETRIES) {
      this.state.uvRetries = MAX_UV_RETRIES;
      this.save();
    }
  }

  /**
   * A fresh pinUvAuthToken (§6.5.5.7): earlier token state is reset, the new one is in use,
   * user-verified, and goes to the platform encrypted with the shared secret.
   */
  private issueToken(
    protocol: PinUvAuthProtocol,
    shared: Uint8Array,
    grant: { permissions: number; rpId: string | undefined; userPresent: boolean; legacy: boolean },
  ): CborValue {
    this.resetToken();
    this.token = {
      ...this.token,
      protocol: protocol.version,
      inUse: true,
      permissions: grant.permissions,
      rpId: grant.rpId,
      userPresent: grant.userPresent,
      userVerified: true,
      issuedAt: this.host.clock(),
      legacy: grant.legacy,
    };
    return new Map<CborValue, CborValue>([[0x02, protocol.encrypt(shared, this.token.bytes)]]);
  }

  /** getPinUvAuthTokenUsingUvWithPermissions (0x06, §6.5.5.7.3). */
  private async getUvToken(
    p: CborMap,
    protocol: PinUvAuthProtocol,
    signal: AbortSignal,
  ): Promise<CborValue> {
    required(p, 0x03, asMap);
    const { permissions, rpId } = requestedPermissions(p);
    const shared = this.sharedSecret(p, protocol);
    await this.performBuiltInUv(CtapCommand.clientPIN, signal);
    return this.issueToken(protocol, shared, {
      permissions,
      rpId,
      userPresent: true,
      legacy: false,
    });
  }

  /** getPinToken (0x05, legacy) and getPinUvAuthTokenUsingPinWithPermissions (0x09). */
  private getPinToken(
    p: CborMap,
    protocol: PinUvAuthProtocol,
    withPermissions: boolean,
  ): CborValue {
    required(p, 0x03, asMap);
    const pinHashEnc = required(p, 0x06, asBytes);
    let permissions = Permission.mc | Permission.ga;
    let rpId: string | undefined;
    if (withPermissions) {
      ({ permissions, rpId } = requestedPermissions(p));
    } else if (p.has(0x09) || p.has(0x0a)) {
      fail(CtapStatus.INVALID_PARAMETER);
    }
    if (!this.pinSet) fail(CtapStatus.PIN_NOT_SET);
    if (this.state.pinRetries === 0) fail(CtapStatus.PIN_BLOCKED);
    const shared = this.sharedSecret(p, protocol);
    this.checkPinHash(protocol, shared, pinHashEnc);
    if (this.state.forcePinChange) fail(CtapStatus.PIN_POLICY_VIOLATION);
    return this.issueToken(protocol, shared, {
      permissions,
      rpId,
      userPresent: false,
      legacy: !withPermissions,
    });
  }

  /** Token checks shared by makeCredential/getAssertion: permission + RP binding. */
  private authorizeToken(
    p: CborMap,
    ceremony: CeremonyKeys,
    clientDataHash: Uint8Array,
    rpId: string,
  ): void {
    const protocol = this.protocol(p.get(ceremony.protocolKey));
    const param = asBytes(p.get(ceremony.paramKey));
    // A pinUvAuthParam on a key without PIN: CTAP 2.0's PIN_NOT_SET (2.1 is silent; OpenSK agrees).
    if (!this.pinSet && !this.config.builtInUv) fail(CtapStatus.PIN_NOT_SET);
    if (!this.verifyToken(protocol, clientDataHash, param)) fail(CtapStatus.PIN_AUTH_INVALID);
    if ((this.token.permissions & ceremony.permission) === 0) fail(CtapStatus.PIN_AUTH_INVALID);
    if (this.token.rpId !== undefined && this.token.rpId !== rpId)
      fail(CtapStatus.PIN_AUTH_INVALID);
    if (this.token.rpId === undefined) this.token.rpId = rpId;
  }

  /** After a ceremony collected UP with a token: clearUserPresentFlag(), clearUserVerifiedFlag(), clearPinUvAuthTokenPermissionsExceptLbw(). */
  private spendToken(): void {
    this.token.userPresent = false;
    this.token.userVerified = false;
    this.token.permissions &= Permission.lbw;
  }

  /**
   * The pinUvAuthParam of makeCredential/getAssertion (§6.1.2, §6.2.2 steps 1-2). A zero-length
   * one is the platform's touch-to-select probe, answered by the caller; any other needs a
   * supported pinUvAuthProtocol beside it.
   */
  private pinUvAuthParam(ceremony: CeremonyKeys, p: CborMap): Uint8Array | undefined {
    const param = optional(p, ceremony.paramKey, asBytes);
    if (param && param.length > 0) {
      if (!p.has(ceremony.protocolKey)) fail(CtapStatus.MISSING_PARAMETER);
      this.protocol(p.get(ceremony.protocolKey));
    }
    return param;
  }

  /**
   * The user-verification steps makeCredential (§6.1.2 step 11) and getAssertion (§6.2.2 step 5-6)
   * share: a pinUvAuthParam is checked against the token, else "uv" runs built-in UV, whose
   * gesture also counts as the ceremony's user presence (upDone).
   */
  private async verifyUser(
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
      this.authorizeToken(p, ceremony, clientDataHash, rpId);
      uv = true;
    }
    let upDone = false;
    if (uvOpt === true) {
      await this.performBuiltInUv(ceremony.command, signal);
      uv = true;
      upDone = true;
    }
    return { uv, upDone };
  }

  /**
   * User presence of makeCredential (§6.1.2 step 14) and getAssertion (§6.2.2 step 9): a token's
   * cached presence counts once, built-in UV's gesture already counted; a token is spent after.
   */
  private async collectPresence(
    command: number,
    pinUvAuthParam: Uint8Array | undefined,
    upDone: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    if (pinUvAuthParam && this.token.userPresent) this.token.userPresent = false;
    else if (!upDone) await this.presence(command, signal);
    if (pinUvAuthParam) this.spendToken();
  }

  // ---- authenticatorMakeCredential (§6.1.2) ----------------------------------------------

  private async makeCredential(p: CborMap, signal: AbortSignal): Promise<CborValue> {
    const pinUvAuthParam = this.pinUvAuthParam(MAKE_CREDENTIAL, p);
    if (pinUvAuthParam?.length === 0) return this.pinUvAuthProbe(MAKE_CREDENTIAL.command, signal);
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
    const extensions = optional(p, 0x06, asMap);
    const options = optional(p, 0x07, asMap);

    // Step 3: first supported algorithm of the RP's list.
    let alg: CredentialAlg | undefined;
    for (const item of params) {
      const m = asMap(item);
      const a = required(m, 'alg', asInt);
      const type = required(m, 'type', asText);
      if (
        alg === undefined &&
        type === 'public-key' &&
        (a === CoseAlg.ES256 || a === CoseAlg.EdDSA)
      )
        alg = a;
    }
    if (alg === undefined) fail(CtapStatus.UNSUPPORTED_ALGORITHM);

    // Step 5: options.
    const rk = options ? (optional(options, 'rk', asBool) ?? false) : false;
    const upOpt = options ? optional(options, 'up', asBool) : undefined;
    let uvOpt = options ? optional(options, 'uv', asBool) : undefined;
    if (upOpt === false) fail(CtapStatus.INVALID_OPTION);
    if (pinUvAuthParam) uvOpt = false; // a pinUvAuthParam takes precedence over "uv"
    if (uvOpt === true && !this.config.builtInUv) fail(CtapStatus.INVALID_OPTION);

    // Step 6-7: alwaysUv / makeCredUvNotRqd.
    if (!pinUvAuthParam && uvOpt !== true) {
      if (this.state.alwaysUv) {
        if (this.config.builtInUv) uvOpt = true;
        else fail(CtapStatus.PUAT_REQUIRED);
      } else if (this.pinSet && rk) fail(CtapStatus.PUAT_REQUIRED);
    }
    if (p.has(0x0a)) fail(CtapStatus.INVALID_PARAMETER); // not enterprise-attestation capable

    // Step 11: pinUvAuthParam; step 11.2: built-in UV (its gesture is the presence of step 14).
    const { uv, upDone } = await this.verifyUser(
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
      const c = this.resolveCredential(d.id, rpIdHash);
      if (!c) continue;
      if (c.secret.credProtect === 3 && !uv) continue;
      const outcome = await this.host.userPresence(CtapCommand.makeCredential, signal);
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
    await this.collectPresence(MAKE_CREDENTIAL.command, pinUvAuthParam, upDone, signal);

    // Step 17: discoverable storage.
    const existing = rk
      ? this.state.credentials.find((c) => c.rpId === rpId && c.userId === b64u(userId))
      : undefined;
    if (rk && !existing && this.discoverableCount >= this.config.capacity)
      fail(CtapStatus.KEY_STORE_FULL);

    const key = newCredentialKey(alg, this.host.rng, this.config.deterministicSignatures);
    const secret: CredentialSecret = {
      alg,
      privateBytes: key.privateBytes,
      credProtect,
      hmacSecret,
      discoverable: rk,
    };
    const credentialId = this.sealCredential(secret, rpIdHash);
    const storedBlob =
      rk && credBlob && credBlob.length <= MAX_CRED_BLOB_LENGTH ? credBlob : undefined;
    if (rk) {
      if (existing) this.state.credentials = this.state.credentials.filter((c) => c !== existing);
      this.state.creationCounter += 1;
      this.state.credentials.push({
        credentialId: b64u(credentialId),
        rpId,
        ...(rpName !== undefined ? { rpName } : {}),
        userId: b64u(userId),
        ...(userName !== undefined ? { userName } : {}),
        ...(userDisplayName !== undefined ? { userDisplayName } : {}),
        alg,
        credProtect,
        ...(storedBlob ? { credBlob: b64u(storedBlob) } : {}),
        created: this.state.creationCounter,
      });
      this.save();
    }

    const extOut = new Map<CborValue, CborValue>();
    if (extensions?.has('credProtect')) extOut.set('credProtect', credProtect);
    if (hmacSecret) extOut.set('hmac-secret', true);
    if (credBlob !== undefined) extOut.set('credBlob', storedBlob !== undefined);
    if (wantMinPinLength && this.state.minPinLengthRpIds.includes(rpId))
      extOut.set('minPinLength', this.state.minPinLength);

    const idLen = new Uint8Array(2);
    new DataView(idLen.buffer).setUint16(0, credentialId.length);
    const attested = concat(aaguidBytes(), idLen, credentialId, encodeCanonical(key.cosePublicKey));
    const flags = 0x01 | (uv ? 0x04 : 0);
    const authData = this.authData(rpIdHash, flags, this.nextSignCount(), attested, extOut);
    const signed = concat(authData, clientDataHash);
    const sig = this.config.deterministicSignatures
      ? signP256Deterministic(this.attestation.batchKeyScalar, signed)
      : new Uint8Array(
          sign('sha256', signed, {
            key: p256FromScalar(this.attestation.batchKeyScalar).privateKey,
            dsaEncoding: 'der',
          }),
        );
    return new Map<CborValue, CborValue>([
      [0x01, 'packed'],
      [0x02, authData],
      [
        0x03,
        new Map<CborValue, CborValue>([
          ['alg', CoseAlg.ES256],
          ['sig', sig],
          ['x5c', [this.attestation.batchCertDer]],
        ]),
      ],
    ]);
  }

  // ---- authenticatorGetAssertion (§6.2.2) / GetNextAssertion (§6.3) ------------------------

  private async getAssertion(p: CborMap, signal: AbortSignal): Promise<CborValue> {
    const pinUvAuthParam = this.pinUvAuthParam(GET_ASSERTION, p);
    if (pinUvAuthParam?.length === 0) return this.pinUvAuthProbe(GET_ASSERTION.command, signal);
    const rpId = required(p, 0x01, asText);
    const clientDataHash = required(p, 0x02, asBytes);
    const allowList = p.has(0x03) ? descriptorList(p.get(0x03)) : undefined;
    const extensions = optional(p, 0x04, asMap);
    const options = optional(p, 0x05, asMap);
    if (options?.has('rk')) fail(CtapStatus.UNSUPPORTED_OPTION);
    const up = options ? (optional(options, 'up', asBool) ?? true) : true;
    let uvOpt = options ? optional(options, 'uv', asBool) : undefined;
    if (pinUvAuthParam) uvOpt = false;
    if (uvOpt === true && !this.config.builtInUv) fail(CtapStatus.INVALID_OPTION);
    if (!pinUvAuthParam && uvOpt !== true && this.state.alwaysUv && up) {
      if (this.config.builtInUv) uvOpt = true;
      else fail(CtapStatus.PUAT_REQUIRED);
    }

    // Step 5: pinUvAuthParam; step 6.2: built-in UV before locating credentials (its gesture
    // is the presence too).
    const { uv, upDone } = await this.verifyUser(
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
        const c = this.resolveCredential(d.id, rpIdHash);
        if (c && (c.secret.credProtect < 3 || uv)) {
          found = [c];
          break;
        }
      }
    } else {
      found = this.state.credentials
        .filter((c) => c.rpId === rpId)
        .sort((a, b) => b.created - a.created)
        .map((c) => this.resolveCredential(fromB64u(c.credentialId), rpIdHash))
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
      if (hs) hmacSecret = this.hmacSecretInput(hs);
      credBlob = optional(extensions, 'credBlob', asBool) ?? false;
    }
    if (found.length === 0) fail(CtapStatus.NO_CREDENTIALS);

    // Step 9: user presence.
    if (up) await this.collectPresence(GET_ASSERTION.command, pinUvAuthParam, upDone, signal);

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
      deadline: this.host.clock() + NEXT_ASSERTION_TIMEOUT_MS,
    };
    const reply = this.assertionFor(first, cont, !fromAllowList);
    if (!fromAllowList && found.length > 1) reply.set(0x05, found.length);
    this.nextAssertion = rest.length > 0 ? cont : undefined;
    return reply;
  }

  private getNextAssertion(): CborValue {
    const cont = this.nextAssertion;
    if (!cont || cont.remaining.length === 0 || this.host.clock() > cont.deadline) {
      this.nextAssertion = undefined;
      fail(CtapStatus.NOT_ALLOWED);
    }
    const next = cont.remaining.shift() as ResolvedCredential;
    cont.deadline = this.host.clock() + NEXT_ASSERTION_TIMEOUT_MS;
    const reply = this.assertionFor(next, cont, true);
    if (cont.remaining.length === 0) this.nextAssertion = undefined;
    return reply;
  }

  private hmacSecretInput(hs: CborMap): HmacSecretInput {
    const protocol = hs.has(4) ? this.protocol(hs.get(4)) : this.protocol(1);
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

  private assertionFor(
    cred: ResolvedCredential,
    cont: AssertionContinuation,
    discoverableFlow: boolean,
  ): Map<CborValue, CborValue> {
    const ext = new Map<CborValue, CborValue>();
    if (cont.hmacSecret && cred.secret.hmacSecret) {
      const { protocol, sharedSecret, salts } = cont.hmacSecret;
      const cr = this.credRandom(cred, cont.uv);
      let out = hmacSha256(cr, salts.subarray(0, 32));
      if (salts.length === 64) out = concat(out, hmacSha256(cr, salts.subarray(32, 64)));
      ext.set('hmac-secret', protocol.encrypt(sharedSecret, out));
    }
    if (cont.credBlob && cred.stored)
      ext.set(
        'credBlob',
        cred.stored.credBlob ? fromB64u(cred.stored.credBlob) : new Uint8Array(0),
      );
    const flags = (cont.up ? 0x01 : 0) | (cont.uv ? 0x04 : 0);
    const authData = this.authData(cont.rpIdHash, flags, this.nextSignCount(), undefined, ext);
    const key: CredentialKey = credentialKeyFromBytes(
      cred.secret.alg,
      cred.secret.privateBytes,
      this.config.deterministicSignatures,
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

  // ---- authenticatorReset (§6.6) / authenticatorSelection (§6.9) --------------------------

  private async reset(signal: AbortSignal): Promise<undefined> {
    if (this.host.clock() - this.powerUpAt > this.config.resetWindowMs)
      fail(CtapStatus.NOT_ALLOWED);
    await this.presence(CtapCommand.reset, signal);
    const s = this.state;
    s.masterKeyHex = hex(this.host.rng.bytes(32));
    s.credRandomKeyHex = hex(this.host.rng.bytes(32));
    delete s.pin;
    s.pinRetries = MAX_PIN_RETRIES;
    delete s.uvRetries;
    s.minPinLength = 4;
    s.minPinLengthRpIds = [];
    s.forcePinChange = false;
    s.alwaysUv = false;
    s.credentials = [];
    this.consecutiveMismatches = 0;
    for (const pp of this.protocols.values()) pp.regenerate();
    this.resetToken();
    this.save();
    this.host.onReset();
    return undefined;
  }

  private async selection(signal: AbortSignal): Promise<undefined> {
    await this.presence(CtapCommand.selection, signal);
    return undefined;
  }

  // ---- authenticatorCredentialManagement (§6.8) ------------------------------------------

  private credentialManagement(
    p: CborMap,
    raw: Uint8Array,
    preview: boolean,
  ): CborValue | undefined {
    const sub = required(p, 0x01, asInt);
    const params = optional(p, 0x02, asMap);
    if (sub === 0x03) return this.nextRp();
    if (sub === 0x05) return this.nextCredential();
    if (![0x01, 0x02, 0x04, 0x06, 0x07].includes(sub)) fail(CtapStatus.INVALID_SUBCOMMAND);
    this.rpEnumeration = undefined;
    this.credEnumeration = undefined;
    // Authorization (§6.8.1-§6.8.6 first steps).
    const param = optional(p, 0x04, asBytes);
    if (!param) fail(CtapStatus.PUAT_REQUIRED);
    if (!p.has(0x03)) fail(CtapStatus.MISSING_PARAMETER);
    const protocol = this.protocol(p.get(0x03));
    const rawParams = rawMapValue(raw, 0x02) ?? new Uint8Array(0);
    if (!this.verifyToken(protocol, concat(Uint8Array.of(sub), rawParams), param))
      fail(CtapStatus.PIN_AUTH_INVALID);
    const permitted =
      (this.token.permissions & Permission.cm) !== 0 || (preview && this.token.legacy);
    if (!permitted) fail(CtapStatus.PIN_AUTH_INVALID);
    const boundRp = this.token.rpId;

    switch (sub) {
      case 0x01:
        if (boundRp !== undefined && !this.token.legacy) fail(CtapStatus.PIN_AUTH_INVALID);
        return new Map<CborValue, CborValue>([
          [0x01, this.discoverableCount],
          [0x02, Math.max(0, this.config.capacity - this.discoverableCount)],
        ]);
      case 0x02: {
        if (boundRp !== undefined && !this.token.legacy) fail(CtapStatus.PIN_AUTH_INVALID);
        const rpIds: string[] = [];
        for (const c of [...this.state.credentials].sort((a, b) => a.created - b.created))
          if (!rpIds.includes(c.rpId)) rpIds.push(c.rpId);
        if (rpIds.length === 0) fail(CtapStatus.NO_CREDENTIALS);
        this.rpEnumeration = { items: rpIds, index: 0 };
        return this.nextRp(0x05);
      }
      case 0x04: {
        if (!params) fail(CtapStatus.MISSING_PARAMETER);
        const rpIdHash = required(params, 0x01, asBytes);
        const creds = this.state.credentials
          .filter((c) => Buffer.from(sha256(utf8(c.rpId))).equals(rpIdHash))
          .sort((a, b) => a.created - b.created);
        if (
          boundRp !== undefined &&
          !this.token.legacy &&
          !Buffer.from(sha256(utf8(boundRp))).equals(rpIdHash)
        )
          fail(CtapStatus.PIN_AUTH_INVALID);
        if (creds.length === 0) fail(CtapStatus.NO_CREDENTIALS);
        this.credEnumeration = { items: creds, index: 0 };
        return this.nextCredential(0x09);
      }
      case 0x06: {
        if (!params) fail(CtapStatus.MISSING_PARAMETER);
        const stored = this.findByDescriptor(required(params, 0x02, asMap));
        if (boundRp !== undefined && !this.token.legacy && stored.rpId !== boundRp)
          fail(CtapStatus.PIN_AUTH_INVALID);
        this.state.credentials = this.state.credentials.filter((c) => c !== stored);
        this.save();
        return undefined;
      }
      default: {
        if (!params) fail(CtapStatus.MISSING_PARAMETER);
        const stored = this.findByDescriptor(required(params, 0x02, asMap));
        const user = required(params, 0x03, asMap);
        const userId = required(user, 'id', asBytes);
        if (boundRp !== undefined && !this.token.legacy && stored.rpId !== boundRp)
          fail(CtapStatus.PIN_AUTH_INVALID);
        if (b64u(userId) !== stored.userId) fail(CtapStatus.INVALID_PARAMETER);
        const name = crop64(optional(user, 'name', asText));
        const displayName = crop64(optional(user, 'displayName', asText));
        // Absent or empty fields are removed (§6.8.6).
        if (name) stored.userName = name;
        else delete stored.userName;
        if (displayName) stored.userDisplayName = displayName;
        else delete stored.userDisplayName;
        this.save();
        return undefined;
      }
    }
  }

  private findByDescriptor(d: CborMap): StoredCredential {
    const id = required(d, 'id', asBytes);
    const stored = this.state.credentials.find((c) => c.credentialId === b64u(id));
    if (!stored) fail(CtapStatus.NO_CREDENTIALS);
    return stored;
  }

  private rpEntry(rpId: string): Map<CborValue, CborValue> {
    const withName = this.state.credentials.find((c) => c.rpId === rpId && c.rpName !== undefined);
    const rp = new Map<CborValue, CborValue>([['id', rpId]]);
    if (withName?.rpName !== undefined) rp.set('name', withName.rpName);
    return new Map<CborValue, CborValue>([
      [0x03, rp],
      [0x04, sha256(utf8(rpId))],
    ]);
  }

  private credentialEntry(c: StoredCredential): Map<CborValue, CborValue> {
    const id = fromB64u(c.credentialId);
    const resolved = this.resolveCredential(id, sha256(utf8(c.rpId)));
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
  private nextRp(totalKey?: number): CborValue {
    const { reply, more } = enumerationStep(this.rpEnumeration, (id) => this.rpEntry(id), totalKey);
    if (!more) this.rpEnumeration = undefined;
    return reply;
  }

  /** enumerateCredentialsBegin (totalKey 0x09, totalCredentials) or …GetNextCredential (§6.8.3). */
  private nextCredential(totalKey?: number): CborValue {
    const { reply, more } = enumerationStep(
      this.credEnumeration,
      (c) => this.credentialEntry(c),
      totalKey,
    );
    if (!more) this.credEnumeration = undefined;
    return reply;
  }

  // ---- authenticatorConfig (§6.11) -------------------------------------------------------

  private authenticatorConfig(p: CborMap, raw: Uint8Array): undefined {
    const sub = required(p, 0x01, asInt);
    const params = optional(p, 0x02, asMap);
    if (sub === 0x01) fail(CtapStatus.INVALID_PARAMETER); // enableEnterpriseAttestation: not EA capable
    if (sub !== 0x02 && sub !== 0x03) fail(CtapStatus.INVALID_SUBCOMMAND);
    const param = optional(p, 0x04, asBytes);
    // Protected by a PIN, or alwaysUv on (except to switch it off): authorization required.
    const enforceUv = sub !== 0x02 && this.state.alwaysUv;
    if (param === undefined) {
      if (this.pinSet || enforceUv) fail(CtapStatus.PUAT_REQUIRED);
    } else {
      if (!p.has(0x03)) fail(CtapStatus.MISSING_PARAMETER);
      const protocol = this.protocol(p.get(0x03));
      const rawParams = rawMapValue(raw, 0x02) ?? new Uint8Array(0);
      const message = concat(
        new Uint8Array(32).fill(0xff),
        Uint8Array.of(CtapCommand.config, sub),
        rawParams,
      );
      if (!this.verifyToken(protocol, message, param)) fail(CtapStatus.PIN_AUTH_INVALID);
      if ((this.token.permissions & Permission.acfg) === 0) fail(CtapStatus.PIN_AUTH_INVALID);
    }
    if (sub === 0x02) {
      this.state.alwaysUv = !this.state.alwaysUv;
      this.save();
      return undefined;
    }
    // setMinPINLength (§6.11.4).
    const newMin = params ? optional(params, 0x01, asInt) : undefined;
    const rpIds = params?.has(0x02) ? asArray(params.get(0x02)).map(asText) : undefined;
    const forceChange = params ? (optional(params, 0x03, asBool) ?? false) : false;
    const min = newMin ?? this.state.minPinLength;
    if (min < this.state.minPinLength || min > 63) fail(CtapStatus.PIN_POLICY_VIOLATION);
    if (forceChange && !this.pinSet) fail(CtapStatus.PIN_NOT_SET);
    if (rpIds && rpIds.length > MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH) fail(CtapStatus.LIMIT_EXCEEDED);
    this.state.minPinLength = min;
    if (rpIds) this.state.minPinLengthRpIds = rpIds;
    if (this.state.pin && (forceChange || this.state.pin.codePoints < min))
      this.state.forcePinChange = true;
    this.save();
    return undefined;
  }
}

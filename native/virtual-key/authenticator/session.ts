/**
 * The state one virtual key keeps between CTAP commands (persistent state, pinUvAuthToken,
 * key-agreement keys, enumerations in progress) and the helpers every command family shares.
 * The command families live beside it (info, clientPin, makeCredential, …), each a set of
 * functions over one `KeySession`, like the client side in native/ctap2.
 */
import { decodeCbor, encodeCanonical, type CborValue } from '../../cbor';
import { CtapStatus } from '../../ctap2/status';
import type { AttestationIdentity } from '../attestation';
import { sign } from 'node:crypto';
import { signP256Deterministic } from '../ecdsa';
import {
  CoseAlg,
  aesGcmOpen,
  aesGcmSeal,
  hmacSha256,
  p256FromScalar,
  type CredentialAlg,
} from '../keys';
import { PinUvAuthProtocol, type PinProtocolVersion } from '../pinProtocol';
import type { RandomSource } from '../rng';
import type { KeyProfile } from '../profiles';
import type { StoredCredential, VirtualKeyState } from '../state';
import { asBool, asBytes, asInt, asMap, b64u, concat, fail, fromHex, utf8 } from './params';

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
  /** Built-in UV: does the finger of the last gesture match an enrolled one? */
  uvMatches(): boolean;
  /** Fingerprint enrollment: was the sample of the last gesture good (else: poor quality)? */
  sampleIsGood(): boolean;
  /**
   * The key's own time for `operations` key generations / signatures (option keyTimeMs):
   * waiting, not CPU, like a real key whose chip does the work.
   */
  keyWork(operations: number): Promise<void>;
}

export interface AuthenticatorConfig {
  readonly capacity: number;
  readonly firmwareVersion: number;
  readonly pinUvAuthProtocols: readonly PinProtocolVersion[];
  readonly resetWindowMs: number;
  /** A built-in user-verification method (e.g. fingerprint) is present and enrolled. */
  readonly builtInUv: boolean;
  /** Which kind of key this is (getInfo, commands, PIN rules): see ../profiles.ts. */
  readonly profile: KeyProfile;
  /** Seeded mode: ES256 signatures with RFC 6979 nonces, so replies are byte-reproducible. */
  readonly deterministicSignatures: boolean;
}

export const MAX_MSG_SIZE = 1200;
export const MAX_CRED_BLOB_LENGTH = 32;
export const MAX_RPIDS_FOR_SET_MIN_PIN_LENGTH = 4;
export const MAX_CREDENTIAL_COUNT_IN_LIST = 8;
export const MAX_CREDENTIAL_ID_LENGTH = 128;
/** pinUvAuthToken max usage time (§6.5.2.1 suggests 10 minutes). */
export const TOKEN_MAX_USAGE_MS = 10 * 60_000;
/** authenticatorGetNextAssertion must follow within 30 s (§6.3). */
export const NEXT_ASSERTION_TIMEOUT_MS = 30_000;
export const CRED_ID_VERSION = 0x01;
/** Built-in UV attempts before UV_BLOCKED (CTAP 2.1 §6.5.5.3 getUVRetries). */
export const MAX_UV_RETRIES = 8;

/** Contents sealed inside every credential ID (AAD = rpIdHash, so IDs are bound to the RP). */
export interface CredentialSecret {
  readonly alg: CredentialAlg;
  readonly privateBytes: Uint8Array;
  readonly credProtect: 1 | 2 | 3;
  readonly hmacSecret: boolean;
  readonly discoverable: boolean;
}

export interface ResolvedCredential {
  readonly id: Uint8Array;
  readonly secret: CredentialSecret;
  readonly stored?: StoredCredential;
}

export interface PinToken {
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

export interface HmacSecretInput {
  readonly protocol: PinUvAuthProtocol;
  readonly sharedSecret: Uint8Array;
  readonly salts: Uint8Array;
}

export interface AssertionContinuation {
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

/** A credential-management enumeration in progress (§6.8.2, §6.8.3): index is the next entry. */
export interface Enumeration<T> {
  readonly items: readonly T[];
  index: number;
}

/** A fingerprint enrollment in progress (between enrollBegin and its last good sample). */
export interface EnrollmentInProgress {
  readonly templateId: string;
  remaining: number;
}

/** U2F user presence: a touch asked for by one request and spent by the next (see ./u2f.ts). */
export interface U2fTouch {
  latched: boolean;
  waiting?: Promise<void>;
  abort?: AbortController;
}

export class KeySession {
  readonly protocols = new Map<PinProtocolVersion, PinUvAuthProtocol>();
  token!: PinToken;
  consecutiveMismatches = 0;
  powerUpAt = 0;
  nextAssertion?: AssertionContinuation;
  rpEnumeration?: Enumeration<string>;
  credEnumeration?: Enumeration<StoredCredential>;
  enrollment?: EnrollmentInProgress;
  u2fTouch: U2fTouch = { latched: false };

  constructor(
    readonly host: AuthenticatorHost,
    readonly config: AuthenticatorConfig,
    public state: VirtualKeyState,
    readonly attestation: AttestationIdentity,
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
    this.enrollment = undefined;
    this.u2fTouch.abort?.abort();
    this.u2fTouch = { latched: false };
  }

  /** True when 3 consecutive mismatches require a power cycle (getRetries powerCycleState). */
  get pinAuthBlocked(): boolean {
    return this.consecutiveMismatches >= 3;
  }

  get pinSet(): boolean {
    return this.state.pin !== undefined;
  }

  get discoverableCount(): number {
    return this.state.credentials.length;
  }

  resetToken(): void {
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

  protocol(v: unknown): PinUvAuthProtocol {
    const version = asInt(v);
    const p = this.protocols.get(version as PinProtocolVersion);
    if (!p) fail(CtapStatus.INVALID_PARAMETER);
    return p;
  }

  tokenUsable(): boolean {
    if (!this.token.inUse) return false;
    if (this.host.clock() - this.token.issuedAt > TOKEN_MAX_USAGE_MS) {
      this.token.inUse = false;
      return false;
    }
    return true;
  }

  /** verify(pinUvAuthToken, message, pinUvAuthParam) with the token's own protocol. */
  verifyToken(protocol: PinUvAuthProtocol, message: Uint8Array, param: Uint8Array): boolean {
    if (!this.tokenUsable() || protocol.version !== this.token.protocol) return false;
    return protocol.verify(this.token.bytes, message, param);
  }

  async presence(command: number, signal: AbortSignal): Promise<void> {
    const outcome = await this.host.userPresence(command, signal);
    if (outcome === 'touched') return;
    if (outcome === 'denied') fail(CtapStatus.OPERATION_DENIED);
    if (outcome === 'timeout') fail(CtapStatus.USER_ACTION_TIMEOUT);
    fail(CtapStatus.KEEPALIVE_CANCEL);
  }

  save(): void {
    this.host.stateChanged();
  }

  sealCredential(secret: CredentialSecret, rpIdHash: Uint8Array): Uint8Array {
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
  resolveCredential(id: Uint8Array, rpIdHash: Uint8Array): ResolvedCredential | undefined {
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

  credRandom(cred: ResolvedCredential, uv: boolean): Uint8Array {
    return hmacSha256(
      fromHex(this.state.credRandomKeyHex),
      utf8('hmac-secret'),
      Uint8Array.of(uv ? 1 : 0),
      cred.secret.privateBytes,
    );
  }

  nextSignCount(): number {
    this.state.signCount = (this.state.signCount + 1) >>> 0;
    this.save();
    return this.state.signCount;
  }

  /** authenticatorData (WebAuthn §6.1): rpIdHash ‖ flags ‖ signCount ‖ [attestedCredData] ‖ [ext]. */
  authData(
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

  /** A built-in UV method exists (enrolled or not): getInfo option "uv" is present. */
  get hasBuiltInUv(): boolean {
    return this.config.builtInUv || this.config.profile.fingerprint !== 'none';
  }

  /** Built-in UV can verify the user now: getInfo option "uv" is true. */
  get uvConfigured(): boolean {
    if (this.config.builtInUv) return true;
    return this.config.profile.fingerprint !== 'none' && (this.state.fingerprints?.length ?? 0) > 0;
  }

  /** Only the extensions this key's profile supports; a key ignores the others (§12). */
  supportedExtensions(
    extensions: Map<unknown, unknown> | undefined,
  ): Map<unknown, unknown> | undefined {
    if (!extensions) return undefined;
    const supported = this.config.profile.extensions;
    return new Map([...extensions].filter(([k]) => typeof k === 'string' && supported.includes(k)));
  }

  /** ES256 signature (DER) with the batch attestation key; RFC 6979 nonces when seeded. */
  attestationSignature(signed: Uint8Array): Uint8Array {
    const scalar = this.attestation.batchKeyScalar;
    if (this.config.deterministicSignatures) return signP256Deterministic(scalar, signed);
    return new Uint8Array(
      sign('sha256', signed, { key: p256FromScalar(scalar).privateKey, dsaEncoding: 'der' }),
    );
  }

  get uvRetries(): number {
    return this.state.uvRetries ?? MAX_UV_RETRIES;
  }
}

/**
 * Virtual-key profiles: which kind of real key the virtual key behaves like. Each profile
 * answers getInfo and refuses commands the way a key of that generation does, so every client
 * path (CTAP 2.0 fallbacks, the FIDO_2_1_PRE preview commands, U2F-only keys, fingerprint keys,
 * keys with their own PIN rules) can be tested end to end.
 *
 * | Profile     | Like                                  | Versions                            |
 * | ----------- | ------------------------------------- | ----------------------------------- |
 * | `ctap21`    | a current CTAP 2.1 key (the default)  | FIDO_2_0, FIDO_2_1_PRE, FIDO_2_1    |
 * | `ctap21pre` | 2019–2020 firmware with the previews  | U2F_V2, FIDO_2_0, FIDO_2_1_PRE      |
 * | `ctap20`    | a first-generation FIDO2 key          | U2F_V2, FIDO_2_0                    |
 * | `u2f`       | a FIDO U2F-only key (no CBOR at all)  | (U2F_V2 over CTAPHID_MSG)           |
 * | `bio`       | a CTAP 2.1 key with a fingerprint     | FIDO_2_0, FIDO_2_1_PRE, FIDO_2_1    |
 * | `fips`      | a CTAP 2.1 key with its own PIN rules | FIDO_2_0, FIDO_2_1_PRE, FIDO_2_1    |
 */
import { CtapCommand } from '../ctap2/commands';

export const KEY_PROFILES = ['ctap21', 'ctap21pre', 'ctap20', 'u2f', 'bio', 'fips'] as const;
export type KeyProfileName = (typeof KEY_PROFILES)[number];

export function isKeyProfileName(v: unknown): v is KeyProfileName {
  return typeof v === 'string' && (KEY_PROFILES as readonly string[]).includes(v);
}

/** A fingerprint sensor: `none`, bioEnrollment as 0x09 (`full`) or as the preview 0x40. */
export type FingerprintSensor = 'none' | 'full' | 'preview';

export interface KeyProfile {
  readonly name: KeyProfileName;
  /** getInfo 0x01. */
  readonly versions: readonly string[];
  /** CTAPHID capability CBOR: CTAP2 commands are answered (false: CTAPHID_CBOR is INVALID_CMD). */
  readonly ctap2: boolean;
  /** CTAPHID_MSG carries U2F (CTAP1) APDUs: VERSION, REGISTER, AUTHENTICATE. */
  readonly u2f: boolean;
  /** CTAP2 commands answered; any other is CTAP1_ERR_INVALID_COMMAND. */
  readonly commands: ReadonlySet<number>;
  /**
   * CTAP 2.1 pinUvAuthTokens: clientPIN subcommands 0x06, 0x07, 0x09, permissions, and tokens
   * spent after user presence. Without them (CTAP 2.0 and the previews) getPinToken's token
   * stays valid for makeCredential/getAssertion until the next power-up or PIN change.
   */
  readonly pinUvAuthToken: boolean;
  /** pinUvAuthProtocols offered, in preference order. */
  readonly pinUvAuthProtocols: readonly (1 | 2)[];
  /** Extensions in getInfo 0x02; others are ignored when a platform sends them. */
  readonly extensions: readonly string[];
  /** getInfo option makeCredUvNotRqd: a PIN is not needed for non-discoverable credentials. */
  readonly makeCredUvNotRqd: boolean;
  /** The zero-length pinUvAuthParam probe is answered PIN_INVALID (2.1) or PIN_AUTH_INVALID. */
  readonly probeStatus21: boolean;
  /** getInfo carries the CTAP 2.1 fields 0x07–0x14 (2.0 keys stop at 0x06). */
  readonly info21: boolean;
  readonly fingerprint: FingerprintSensor;
  /** PIN rules of the key itself (getInfo 0x1B pinComplexityPolicy, 0x1D maxPINLength). */
  readonly pinComplexityPolicy: boolean;
  readonly minPinLength: number;
  readonly maxPinLength: number;
}

const ALL_21 = new Set<number>([
  CtapCommand.makeCredential,
  CtapCommand.getAssertion,
  CtapCommand.getInfo,
  CtapCommand.clientPIN,
  CtapCommand.reset,
  CtapCommand.getNextAssertion,
  CtapCommand.credentialManagement,
  CtapCommand.selection,
  CtapCommand.config,
  CtapCommand.credentialManagementPreview,
]);

const CTAP20 = new Set<number>([
  CtapCommand.makeCredential,
  CtapCommand.getAssertion,
  CtapCommand.getInfo,
  CtapCommand.clientPIN,
  CtapCommand.reset,
  CtapCommand.getNextAssertion,
]);

const BASE_21: KeyProfile = {
  name: 'ctap21',
  versions: ['FIDO_2_0', 'FIDO_2_1_PRE', 'FIDO_2_1'],
  ctap2: true,
  u2f: false,
  commands: ALL_21,
  pinUvAuthToken: true,
  pinUvAuthProtocols: [2, 1],
  extensions: ['credBlob', 'credProtect', 'hmac-secret', 'minPinLength'],
  makeCredUvNotRqd: true,
  probeStatus21: true,
  info21: true,
  fingerprint: 'none',
  pinComplexityPolicy: false,
  minPinLength: 4,
  maxPinLength: 63,
};

export const PROFILES: Readonly<Record<KeyProfileName, KeyProfile>> = {
  ctap21: BASE_21,
  ctap21pre: {
    ...BASE_21,
    name: 'ctap21pre',
    versions: ['U2F_V2', 'FIDO_2_0', 'FIDO_2_1_PRE'],
    u2f: true,
    commands: new Set([
      ...CTAP20,
      CtapCommand.credentialManagementPreview,
      CtapCommand.bioEnrollmentPreview,
    ]),
    pinUvAuthToken: false,
    pinUvAuthProtocols: [1],
    extensions: ['credProtect', 'hmac-secret'],
    makeCredUvNotRqd: false,
    probeStatus21: false,
    fingerprint: 'preview',
  },
  ctap20: {
    ...BASE_21,
    name: 'ctap20',
    versions: ['U2F_V2', 'FIDO_2_0'],
    u2f: true,
    commands: CTAP20,
    pinUvAuthToken: false,
    pinUvAuthProtocols: [1],
    extensions: ['hmac-secret'],
    makeCredUvNotRqd: false,
    probeStatus21: false,
    info21: false,
  },
  u2f: {
    ...BASE_21,
    name: 'u2f',
    versions: ['U2F_V2'],
    ctap2: false,
    u2f: true,
    commands: new Set(),
    pinUvAuthToken: false,
    pinUvAuthProtocols: [1],
    extensions: [],
    makeCredUvNotRqd: false,
    probeStatus21: false,
    info21: false,
  },
  bio: {
    ...BASE_21,
    name: 'bio',
    // Like a YubiKey Bio: FIDO_2_1_PRE as well, so bio enrollment answers as 0x09 and the 0x40
    // preview that clients from before CTAP 2.1 (e.g. libfido2 1.12) send.
    commands: new Set([...ALL_21, CtapCommand.bioEnrollment, CtapCommand.bioEnrollmentPreview]),
    fingerprint: 'full',
  },
  fips: {
    ...BASE_21,
    name: 'fips',
    pinComplexityPolicy: true,
    minPinLength: 8,
    maxPinLength: 32,
  },
};

/**
 * The key's own PIN complexity policy (profile `fips`, getInfo pinComplexityPolicy): a PIN of
 * one repeated character, or a run of consecutive characters up or down ("12345678",
 * "87654321", "abcdefgh"), or one of a few notorious PINs is refused with PIN_POLICY_VIOLATION.
 */
export function pinIsTooSimple(pin: string): boolean {
  const cps = [...pin].map((c) => c.codePointAt(0) ?? 0);
  if (cps.length < 2) return true;
  if (cps.every((c) => c === cps[0])) return true;
  const step = cps[1] - cps[0];
  if ((step === 1 || step === -1) && cps.every((c, i) => i === 0 || c - cps[i - 1] === step))
    return true;
  return NOTORIOUS_PINS.has(pin.toLowerCase());
}

const NOTORIOUS_PINS = new Set(['12341234', '11223344', 'password', 'passw0rd', '1q2w3e4r']);

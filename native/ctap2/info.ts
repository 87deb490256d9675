/** authenticatorGetInfo (CTAP 2.1 §6.4). */
import { formatUuid } from '../webauthn/authData';
import { CtapCommand } from './commands';
import {
  asMap,
  invalid,
  optArray,
  optBool,
  optBytes,
  optMap,
  optUint,
  type CborMap,
} from './decode';
import type { CborChannel, CommandOptions } from './sendCbor';

/** Response member keys (§6.4). */
export const InfoKey = {
  versions: 0x01,
  extensions: 0x02,
  aaguid: 0x03,
  options: 0x04,
  maxMsgSize: 0x05,
  pinUvAuthProtocols: 0x06,
  maxCredentialCountInList: 0x07,
  maxCredentialIdLength: 0x08,
  transports: 0x09,
  algorithms: 0x0a,
  maxSerializedLargeBlobArray: 0x0b,
  forcePINChange: 0x0c,
  minPINLength: 0x0d,
  firmwareVersion: 0x0e,
  maxCredBlobLength: 0x0f,
  maxRPIDsForSetMinPINLength: 0x10,
  preferredPlatformUvAttempts: 0x11,
  uvModality: 0x12,
  certifications: 0x13,
  remainingDiscoverableCredentials: 0x14,
  vendorPrototypeConfigCommands: 0x15,
  // CTAP 2.2 additions (keys listing FIDO_2_2 / FIDO_2_3 send them; older keys omit them)
  attestationFormats: 0x16,
  uvCountSinceLastPinEntry: 0x17,
  longTouchForReset: 0x18,
  encIdentifier: 0x19,
  transportsForReset: 0x1a,
  pinComplexityPolicy: 0x1b,
  pinComplexityPolicyURL: 0x1c,
  maxPINLength: 0x1d,
  encCredStoreState: 0x1e,
  authenticatorConfigCommands: 0x1f,
} as const;

/** §6.5.1: a PIN is at most 63 bytes when the key does not say otherwise (maxPINLength). */
export const DEFAULT_MAX_PIN_LENGTH = 63;

/** §6.4 maxMsgSize: "if absent, 1024 bytes". */
export const DEFAULT_MAX_MSG_SIZE = 1024;
/** §6.4 minPINLength: default 4 code points. */
export const DEFAULT_MIN_PIN_LENGTH = 4;

export interface AuthenticatorInfo {
  versions: string[];
  extensions: string[];
  aaguid: string;
  options: Record<string, boolean>;
  maxMsgSize: number;
  pinUvAuthProtocols: number[];
  maxCredentialCountInList?: number;
  maxCredentialIdLength?: number;
  transports: string[];
  algorithms: { type: string; alg: number }[];
  maxSerializedLargeBlobArray?: number;
  forcePinChange: boolean;
  minPinLength: number;
  firmwareVersion?: number;
  maxCredBlobLength?: number;
  maxRpIdsForSetMinPinLength?: number;
  preferredPlatformUvAttempts?: number;
  uvModality?: number;
  certifications?: Record<string, number>;
  remainingDiscoverableCredentials?: number;
  vendorPrototypeConfigCommands?: number[];
  attestationFormats?: string[];
  uvCountSinceLastPinEntry?: number;
  /** Reset needs a long touch (hold the key's button ~5 s, e.g. YubiKey 5.7+). */
  longTouchForReset?: boolean;
  transportsForReset?: string[];
  /** The key enforces a PIN complexity policy of its own (e.g. FIPS keys): it may refuse a PIN the length rules allow. */
  pinComplexityPolicy?: boolean;
  pinComplexityPolicyUrl?: string;
  /** Longest PIN the key accepts, in code points (default 63). */
  maxPinLength?: number;
  authenticatorConfigCommands?: number[];
  /** Keys this client does not know (e.g. 0x16–0x1F on FIDO_2_3 keys), kept as decoded. */
  unknown: Record<number, unknown>;
}

export function encodeGetInfoRequest(): Uint8Array {
  return Uint8Array.of(CtapCommand.getInfo);
}

function strings(m: CborMap, key: number, what: string): string[] {
  // Tolerant: entries of a type we don't expect are skipped, not fatal.
  return (optArray(m, key, what) ?? []).filter((s): s is string => typeof s === 'string');
}

const knownKeys = new Set<number>(Object.values(InfoKey));

/** Decode the getInfo map; unknown keys are kept aside, missing optional ones get spec defaults. */
export function decodeGetInfoResponse(value: unknown): AuthenticatorInfo {
  const m = asMap(value, 'getInfo');
  const versions = strings(m, InfoKey.versions, 'versions');
  if (versions.length === 0) throw invalid('getInfo: versions missing');
  const aaguid = optBytes(m, InfoKey.aaguid, 'aaguid');
  if (!aaguid || aaguid.length !== 16) throw invalid('getInfo: aaguid missing or not 16 bytes');

  const options: Record<string, boolean> = {};
  for (const [k, v] of optMap(m, InfoKey.options, 'options') ?? new Map()) {
    if (typeof k === 'string' && typeof v === 'boolean') options[k] = v;
  }
  const algorithms: { type: string; alg: number }[] = [];
  for (const a of optArray(m, InfoKey.algorithms, 'algorithms') ?? []) {
    if (!(a instanceof Map)) continue;
    const type = a.get('type');
    const alg = a.get('alg');
    if (typeof type === 'string' && typeof alg === 'number') algorithms.push({ type, alg });
  }
  const uints = (key: number, what: string): number[] =>
    (optArray(m, key, what) ?? []).filter(
      (n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0,
    );

  const info: AuthenticatorInfo = {
    versions,
    extensions: strings(m, InfoKey.extensions, 'extensions'),
    aaguid: formatUuid(aaguid),
    options,
    maxMsgSize: optUint(m, InfoKey.maxMsgSize, 'maxMsgSize') ?? DEFAULT_MAX_MSG_SIZE,
    pinUvAuthProtocols: uints(InfoKey.pinUvAuthProtocols, 'pinUvAuthProtocols'),
    transports: strings(m, InfoKey.transports, 'transports'),
    algorithms,
    forcePinChange: optBool(m, InfoKey.forcePINChange, 'forcePINChange') ?? false,
    minPinLength: optUint(m, InfoKey.minPINLength, 'minPINLength') ?? DEFAULT_MIN_PIN_LENGTH,
    unknown: {},
  };
  const optional: [keyof AuthenticatorInfo, number][] = [
    ['maxCredentialCountInList', InfoKey.maxCredentialCountInList],
    ['maxCredentialIdLength', InfoKey.maxCredentialIdLength],
    ['maxSerializedLargeBlobArray', InfoKey.maxSerializedLargeBlobArray],
    ['firmwareVersion', InfoKey.firmwareVersion],
    ['maxCredBlobLength', InfoKey.maxCredBlobLength],
    ['maxRpIdsForSetMinPinLength', InfoKey.maxRPIDsForSetMinPINLength],
    ['preferredPlatformUvAttempts', InfoKey.preferredPlatformUvAttempts],
    ['uvModality', InfoKey.uvModality],
    ['remainingDiscoverableCredentials', InfoKey.remainingDiscoverableCredentials],
    ['uvCountSinceLastPinEntry', InfoKey.uvCountSinceLastPinEntry],
    ['maxPinLength', InfoKey.maxPINLength],
  ];
  for (const [field, key] of optional) {
    const v = optUint(m, key, field);
    if (v !== undefined) (info as unknown as Record<string, number>)[field] = v;
  }
  const certifications = optMap(m, InfoKey.certifications, 'certifications');
  if (certifications) {
    info.certifications = {};
    for (const [k, v] of certifications)
      if (typeof k === 'string' && typeof v === 'number') info.certifications[k] = v;
  }
  if (m.has(InfoKey.vendorPrototypeConfigCommands)) {
    info.vendorPrototypeConfigCommands = uints(
      InfoKey.vendorPrototypeConfigCommands,
      'vendorPrototypeConfigCommands',
    );
  }
  const flags: [keyof AuthenticatorInfo, number][] = [
    ['longTouchForReset', InfoKey.longTouchForReset],
    ['pinComplexityPolicy', InfoKey.pinComplexityPolicy],
  ];
  for (const [field, key] of flags) {
    const v = optBool(m, key, field);
    if (v !== undefined) (info as unknown as Record<string, boolean>)[field] = v;
  }
  if (m.has(InfoKey.attestationFormats))
    info.attestationFormats = strings(m, InfoKey.attestationFormats, 'attestationFormats');
  if (m.has(InfoKey.transportsForReset))
    info.transportsForReset = strings(m, InfoKey.transportsForReset, 'transportsForReset');
  const url = m.get(InfoKey.pinComplexityPolicyURL);
  // A byte string per CTAP 2.2; some keys send text. Printable ASCII only, else dropped.
  const urlText =
    url instanceof Uint8Array
      ? Buffer.from(url).toString('latin1')
      : typeof url === 'string'
        ? url
        : undefined;
  if (urlText !== undefined && /^[\x20-\x7e]{1,512}$/.test(urlText))
    info.pinComplexityPolicyUrl = urlText;
  if (m.has(InfoKey.authenticatorConfigCommands))
    info.authenticatorConfigCommands = uints(
      InfoKey.authenticatorConfigCommands,
      'authenticatorConfigCommands',
    );
  // Kept raw (opaque to the client): encIdentifier, encCredStoreState.
  for (const key of [InfoKey.encIdentifier, InfoKey.encCredStoreState])
    if (m.has(key)) info.unknown[key] = m.get(key);
  for (const [k, v] of m) if (typeof k === 'number' && !knownKeys.has(k)) info.unknown[k] = v;
  return info;
}

export async function getInfo(
  channel: CborChannel,
  options?: CommandOptions,
): Promise<AuthenticatorInfo> {
  return decodeGetInfoResponse(await channel.sendCbor(CtapCommand.getInfo, undefined, options));
}

function jsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64url');
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), jsonSafe(v)]));
  return value;
}

/** getInfo as plain JSON (CLI `info --json`, logs, the UI). Byte strings → base64url. */
export function authenticatorInfoToJson(info: AuthenticatorInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) {
    if (k === 'unknown') {
      const unknown = Object.entries(v as Record<string, unknown>);
      if (unknown.length > 0)
        out.unknown = Object.fromEntries(
          unknown.map(([uk, uv]) => [`0x${Number(uk).toString(16)}`, jsonSafe(uv)]),
        );
    } else if (v !== undefined) out[k] = jsonSafe(v);
  }
  return out;
}

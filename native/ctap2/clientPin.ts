/** authenticatorClientPIN (CTAP 2.1 §6.5), PIN/UV auth protocols 1 and 2. */
import type { CborValue } from '../cbor';
import { CtapCommand } from './commands';
import { asMap, invalid, optBool, optUint, reqBytes, reqMap } from './decode';
import type { AuthenticatorInfo } from './info';
import { DEFAULT_MIN_PIN_LENGTH } from './info';
import { pinProtocol, sha256, type PinProtocol, type PinProtocolVersion } from './pinProtocol';
import { params, type CborChannel, type CborParams, type CommandOptions } from './sendCbor';
import { CtapError, CtapStatus, isCtapError } from './status';

/** Request parameter keys (§6.5.5.1). */
export const ClientPinParam = {
  pinUvAuthProtocol: 0x01,
  subCommand: 0x02,
  keyAgreement: 0x03,
  pinUvAuthParam: 0x04,
  newPinEnc: 0x05,
  pinHashEnc: 0x06,
  permissions: 0x09,
  rpId: 0x0a,
} as const;

/** subCommand values (§6.5.5.1). */
export const ClientPinSubCommand = {
  getPINRetries: 0x01,
  getKeyAgreement: 0x02,
  setPIN: 0x03,
  changePIN: 0x04,
  getPinToken: 0x05,
  getPinUvAuthTokenUsingUvWithPermissions: 0x06,
  getUVRetries: 0x07,
  getPinUvAuthTokenUsingPinWithPermissions: 0x09,
} as const;

/** Response keys (§6.5.5.2). */
export const ClientPinResponse = {
  keyAgreement: 0x01,
  pinUvAuthToken: 0x02,
  pinRetries: 0x03,
  powerCycleState: 0x04,
  uvRetries: 0x05,
} as const;

/** pinUvAuthToken permissions (§6.5.5.7). */
export const PermissionBit = {
  mc: 0x01,
  ga: 0x02,
  cm: 0x04,
  be: 0x08,
  lbw: 0x10,
  acfg: 0x20,
} as const;
export type Permission = keyof typeof PermissionBit;

export interface PinUvAuthToken {
  readonly protocol: PinProtocolVersion;
  readonly token: Uint8Array;
  readonly permissions: readonly Permission[];
  readonly rpId?: string;
}

/** A clientPIN failure with what the UI needs: retries left, power cycle, must-change. */
export class CtapPinError extends CtapError {
  constructor(
    code: number,
    command: number | undefined,
    readonly retries?: number,
    readonly powerCycleRequired?: boolean,
    readonly mustChangePin = false,
    /** For PIN_POLICY_VIOLATION on a new PIN: which rule (length checked here, or the key's own policy). */
    readonly violation?: PinRuleViolation | 'key-policy',
  ) {
    super(code, command);
    if (violation === 'key-policy')
      this.message = 'the key refused the new PIN under its own PIN policy (pinComplexityPolicy)';
    else if (violation) this.message = `the new PIN is ${violation}`;
    if (mustChangePin)
      this.message = 'the key requires a new PIN before it can be used (forcePINChange)';
    else if (retries !== undefined) this.message = `${this.message}; ${retries} PIN retries left`;
  }
}

export type PinRuleViolation = 'too-short' | 'too-long';

/** Maximum PIN size: 63 bytes of UTF-8 (§6.5.1), padded to 64 for encryption. */
export const MAX_PIN_BYTES = 63;

/**
 * New-PIN rules (§6.5.5.5 setPIN step 4 / §6.5.1): at least max(4, minPINLength) Unicode code
 * points of the NFC-normalised PIN, at most 63 UTF-8 bytes.
 */
export function checkPinRules(
  pin: string,
  minPinLength = DEFAULT_MIN_PIN_LENGTH,
  /** getInfo maxPINLength (code points), when the key sends it. */
  maxPinLength?: number,
): PinRuleViolation | null {
  const normalized = pin.normalize('NFC');
  const length = [...normalized].length;
  if (length < Math.max(DEFAULT_MIN_PIN_LENGTH, minPinLength)) return 'too-short';
  if (Buffer.byteLength(normalized, 'utf8') > MAX_PIN_BYTES) return 'too-long';
  if (maxPinLength !== undefined && length > maxPinLength) return 'too-long';
  return null;
}

/** UTF-8 of the NFC PIN, zero-padded to 64 bytes (§6.5.5.5 "paddedPin"). */
export function padPin(pin: string): Uint8Array {
  const bytes = new TextEncoder().encode(pin.normalize('NFC'));
  const padded = new Uint8Array(64);
  padded.set(bytes.subarray(0, 64));
  return padded;
}

/** LEFT(SHA-256(pin), 16) (§6.5.5.6). */
export function pinHash(pin: string): Uint8Array {
  return sha256(new TextEncoder().encode(pin.normalize('NFC'))).slice(0, 16);
}

export function permissionBits(permissions: readonly Permission[]): number {
  return permissions.reduce((bits, p) => bits | PermissionBit[p], 0);
}

/** Protocol to use: the key's first listed one that we implement (its order is its preference). */
export function selectPinProtocol(info: AuthenticatorInfo): PinProtocolVersion {
  for (const p of info.pinUvAuthProtocols) if (p === 1 || p === 2) return p;
  return 1; // CTAP 2.0 keys that don't list pinUvAuthProtocols speak protocol 1
}

// ---- pure request encoders (golden-tested) ----

export function encodeGetRetriesRequest(protocol: PinProtocolVersion): CborParams {
  return params([
    [ClientPinParam.pinUvAuthProtocol, protocol],
    [ClientPinParam.subCommand, ClientPinSubCommand.getPINRetries],
  ]);
}

export function encodeGetUvRetriesRequest(protocol: PinProtocolVersion): CborParams {
  return params([
    [ClientPinParam.pinUvAuthProtocol, protocol],
    [ClientPinParam.subCommand, ClientPinSubCommand.getUVRetries],
  ]);
}

export function encodeGetKeyAgreementRequest(protocol: PinProtocolVersion): CborParams {
  return params([
    [ClientPinParam.pinUvAuthProtocol, protocol],
    [ClientPinParam.subCommand, ClientPinSubCommand.getKeyAgreement],
  ]);
}

type Random = (n: number) => Uint8Array;

export function encodeSetPinRequest(
  proto: PinProtocol,
  peerKey: unknown,
  newPin: string,
  random: Random,
): CborParams {
  const { platformKey, sharedSecret } = proto.encapsulate(peerKey, random);
  const newPinEnc = proto.encrypt(sharedSecret, padPin(newPin), random);
  return params([
    [ClientPinParam.pinUvAuthProtocol, proto.version],
    [ClientPinParam.subCommand, ClientPinSubCommand.setPIN],
    [ClientPinParam.keyAgreement, platformKey],
    [ClientPinParam.pinUvAuthParam, proto.authenticate(sharedSecret, newPinEnc)],
    [ClientPinParam.newPinEnc, newPinEnc],
  ]);
}

export function encodeChangePinRequest(
  proto: PinProtocol,
  peerKey: unknown,
  currentPin: string,
  newPin: string,
  random: Random,
): CborParams {
  const { platformKey, sharedSecret } = proto.encapsulate(peerKey, random);
  const pinHashEnc = proto.encrypt(sharedSecret, pinHash(currentPin), random);
  const newPinEnc = proto.encrypt(sharedSecret, padPin(newPin), random);
  const authData = new Uint8Array(newPinEnc.length + pinHashEnc.length);
  authData.set(newPinEnc);
  authData.set(pinHashEnc, newPinEnc.length);
  return params([
    [ClientPinParam.pinUvAuthProtocol, proto.version],
    [ClientPinParam.subCommand, ClientPinSubCommand.changePIN],
    [ClientPinParam.keyAgreement, platformKey],
    [ClientPinParam.pinUvAuthParam, proto.authenticate(sharedSecret, authData)],
    [ClientPinParam.newPinEnc, newPinEnc],
    [ClientPinParam.pinHashEnc, pinHashEnc],
  ]);
}

export interface TokenRequest {
  readonly permissions?: readonly Permission[];
  readonly rpId?: string;
}

/**
 * getPinUvAuthTokenUsingPinWithPermissions (0x09) when `withPermissions`, else the CTAP 2.0
 * getPinToken (0x05). Returns the request and the shared secret needed to decrypt the token.
 */
export function encodeGetPinTokenRequest(
  proto: PinProtocol,
  peerKey: unknown,
  pin: string,
  request: TokenRequest,
  withPermissions: boolean,
  random: Random,
): { request: CborParams; sharedSecret: Uint8Array } {
  const { platformKey, sharedSecret } = proto.encapsulate(peerKey, random);
  const pinHashEnc = proto.encrypt(sharedSecret, pinHash(pin), random);
  const entries: [number, CborValue | undefined][] = [
    [ClientPinParam.pinUvAuthProtocol, proto.version],
    [
      ClientPinParam.subCommand,
      withPermissions
        ? ClientPinSubCommand.getPinUvAuthTokenUsingPinWithPermissions
        : ClientPinSubCommand.getPinToken,
    ],
    [ClientPinParam.keyAgreement, platformKey],
    [ClientPinParam.pinHashEnc, pinHashEnc],
  ];
  if (withPermissions) {
    entries.push([ClientPinParam.permissions, permissionBits(request.permissions ?? ['mc', 'ga'])]);
    entries.push([ClientPinParam.rpId, request.rpId]);
  }
  return { request: params(entries), sharedSecret };
}

/**
 * getPinUvAuthTokenUsingUvWithPermissions (0x06, §6.5.5.7.3): the key verifies the user itself
 * (fingerprint), no PIN. Returns the request and the shared secret to decrypt the token.
 */
export function encodeGetUvTokenRequest(
  proto: PinProtocol,
  peerKey: unknown,
  request: TokenRequest,
  random: Random,
): { request: CborParams; sharedSecret: Uint8Array } {
  const { platformKey, sharedSecret } = proto.encapsulate(peerKey, random);
  return {
    request: params([
      [ClientPinParam.pinUvAuthProtocol, proto.version],
      [ClientPinParam.subCommand, ClientPinSubCommand.getPinUvAuthTokenUsingUvWithPermissions],
      [ClientPinParam.keyAgreement, platformKey],
      [ClientPinParam.permissions, permissionBits(request.permissions ?? ['mc', 'ga'])],
      [ClientPinParam.rpId, request.rpId],
    ]),
    sharedSecret,
  };
}

// ---- pure response decoders ----

export function decodeRetriesResponse(value: unknown): {
  retries: number;
  powerCycleRequired: boolean;
} {
  const m = asMap(value, 'getPINRetries');
  const retries = optUint(m, ClientPinResponse.pinRetries, 'pinRetries');
  if (retries === undefined) throw invalid('getPINRetries: pinRetries missing');
  return {
    retries,
    powerCycleRequired: optBool(m, ClientPinResponse.powerCycleState, 'powerCycleState') ?? false,
  };
}

export function decodeUvRetriesResponse(value: unknown): number {
  const v = optUint(asMap(value, 'getUVRetries'), ClientPinResponse.uvRetries, 'uvRetries');
  if (v === undefined) throw invalid('getUVRetries: uvRetries missing');
  return v;
}

export function decodeKeyAgreementResponse(value: unknown): Map<unknown, unknown> {
  return reqMap(asMap(value, 'getKeyAgreement'), ClientPinResponse.keyAgreement, 'keyAgreement');
}

export function decodePinTokenResponse(
  value: unknown,
  proto: PinProtocol,
  sharedSecret: Uint8Array,
): Uint8Array {
  const enc = reqBytes(
    asMap(value, 'getPinToken'),
    ClientPinResponse.pinUvAuthToken,
    'pinUvAuthToken',
  );
  const token = proto.decrypt(sharedSecret, enc);
  // Protocol 1 tokens are 16 or 32 bytes (§6.5.6); protocol 2 tokens are 32 bytes (§6.5.7).
  if (!(token.length === 32 || (proto.version === 1 && token.length === 16))) {
    throw invalid(`pinUvAuthToken of ${token.length} bytes`);
  }
  return token;
}

// ---- the client ----

export class ClientPin {
  constructor(
    private readonly channel: CborChannel,
    private readonly info: () => AuthenticatorInfo,
    private readonly random: Random,
    /** Re-read getInfo after a PIN change (forcePINChange, minPINLength may have changed). */
    private readonly afterPinChange: (options?: CommandOptions) => Promise<unknown> = async () =>
      undefined,
  ) {}

  /** Chosen from the current getInfo (it is read after this object exists). */
  get protocol(): PinProtocolVersion {
    return selectPinProtocol(this.info());
  }

  get pinProtocol(): PinProtocol {
    return pinProtocol(this.protocol);
  }

  private get proto(): PinProtocol {
    return this.pinProtocol;
  }

  private send(request: CborParams, options?: CommandOptions): Promise<unknown> {
    return this.channel.sendCbor(CtapCommand.clientPIN, request, options);
  }

  async getRetries(
    options?: CommandOptions,
  ): Promise<{ retries: number; powerCycleRequired: boolean }> {
    return decodeRetriesResponse(await this.send(encodeGetRetriesRequest(this.protocol), options));
  }

  async getUvRetries(options?: CommandOptions): Promise<number> {
    return decodeUvRetriesResponse(
      await this.send(encodeGetUvRetriesRequest(this.protocol), options),
    );
  }

  async getKeyAgreement(options?: CommandOptions): Promise<Map<unknown, unknown>> {
    return decodeKeyAgreementResponse(
      await this.send(encodeGetKeyAgreementRequest(this.protocol), options),
    );
  }

  /** Shared secret with the key (for hmac-secret). */
  async sharedSecret(
    options?: CommandOptions,
  ): Promise<{ platformKey: Map<number, number | Uint8Array>; sharedSecret: Uint8Array }> {
    return this.proto.encapsulate(await this.getKeyAgreement(options), this.random);
  }

  private checkNewPin(pin: string): void {
    const info = this.info();
    const violation = checkPinRules(pin, info.minPinLength, info.maxPinLength);
    if (violation !== null) {
      throw new CtapPinError(
        CtapStatus.PIN_POLICY_VIOLATION,
        CtapCommand.clientPIN,
        undefined,
        undefined,
        false,
        violation,
      );
    }
  }

  async setPin(newPin: string, options?: CommandOptions): Promise<void> {
    this.checkNewPin(newPin);
    const peer = await this.getKeyAgreement(options);
    await this.withPinErrors(
      () => this.send(encodeSetPinRequest(this.proto, peer, newPin, this.random), options),
      options,
    );
    await this.afterPinChange(options);
  }

  async changePin(currentPin: string, newPin: string, options?: CommandOptions): Promise<void> {
    this.checkNewPin(newPin);
    const peer = await this.getKeyAgreement(options);
    await this.withPinErrors(
      () =>
        this.send(
          encodeChangePinRequest(this.proto, peer, currentPin, newPin, this.random),
          options,
        ),
      options,
    );
    await this.afterPinChange(options);
  }

  async getPinToken(
    pin: string,
    request: TokenRequest = {},
    options?: CommandOptions,
  ): Promise<PinUvAuthToken> {
    const info = this.info();
    // §6.5.5.7: with forcePINChange set the key refuses tokens; say "must change", not "wrong PIN".
    if (info.forcePinChange)
      throw new CtapPinError(
        CtapStatus.PIN_POLICY_VIOLATION,
        CtapCommand.clientPIN,
        undefined,
        undefined,
        true,
      );
    const withPermissions = info.options.pinUvAuthToken === true;
    const peer = await this.getKeyAgreement(options);
    const { request: req, sharedSecret } = encodeGetPinTokenRequest(
      this.proto,
      peer,
      pin,
      request,
      withPermissions,
      this.random,
    );
    const reply = await this.withPinErrors(() => this.send(req, options), options, true);
    const token = decodePinTokenResponse(reply, this.proto, sharedSecret);
    return {
      protocol: this.protocol,
      token,
      permissions: withPermissions
        ? [...(request.permissions ?? ['mc', 'ga'])]
        : (Object.keys(PermissionBit) as Permission[]),
      ...(withPermissions && request.rpId !== undefined ? { rpId: request.rpId } : {}),
    };
  }

  /**
   * A token from built-in UV (fingerprint) instead of the PIN. A mismatch is UV_INVALID with the
   * UV retries left in `retries`; UV_BLOCKED means only the PIN works now.
   */
  async getUvToken(request: TokenRequest = {}, options?: CommandOptions): Promise<PinUvAuthToken> {
    const peer = await this.getKeyAgreement(options);
    const { request: req, sharedSecret } = encodeGetUvTokenRequest(
      this.proto,
      peer,
      request,
      this.random,
    );
    let reply: unknown;
    try {
      reply = await this.send(req, options);
    } catch (e) {
      if (isCtapError(e, 'UV_INVALID')) {
        const retries = await this.getUvRetries(options).catch(() => undefined);
        throw new CtapPinError(e.code, e.command, retries, false);
      }
      if (isCtapError(e, 'UV_BLOCKED')) throw new CtapPinError(e.code, e.command, 0, false);
      throw e;
    }
    return {
      protocol: this.protocol,
      token: decodePinTokenResponse(reply, this.proto, sharedSecret),
      permissions: [...(request.permissions ?? ['mc', 'ga'])],
      ...(request.rpId !== undefined ? { rpId: request.rpId } : {}),
    };
  }

  /** Turn PIN status codes into CtapPinError with retries / power-cycle / must-change. */
  private async withPinErrors<T>(
    run: () => Promise<T>,
    options?: CommandOptions,
    tokenRequest = false,
  ): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (!isCtapError(e)) throw e;
      switch (e.status) {
        case 'PIN_INVALID':
        case 'PIN_AUTH_BLOCKED': {
          const r = await this.getRetries(options).catch(() => undefined);
          throw new CtapPinError(
            e.code,
            e.command,
            r?.retries,
            e.status === 'PIN_AUTH_BLOCKED' || r?.powerCycleRequired,
          );
        }
        case 'PIN_BLOCKED':
          throw new CtapPinError(e.code, e.command, 0, false);
        case 'PIN_POLICY_VIOLATION':
          // On token requests this is forcePINChange (§6.5.5.7); on set/change a rejected new PIN.
          // The lengths were checked before sending: a refused new PIN broke the key's own policy.
          throw new CtapPinError(
            e.code,
            e.command,
            undefined,
            undefined,
            tokenRequest,
            tokenRequest ? undefined : 'key-policy',
          );
        default:
          throw e;
      }
    }
  }
}

/**
 * The CTAP2 client (CTAP 2.1 §6): holds getInfo, owns the one `sendCbor` choke point and
 * exposes one method per command family. Never sees a HID report (that is ctaphid/).
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { CtapHidDevice } from '../ctaphid/device';
import {
  getAssertion,
  getNextAssertion,
  type AssertionResult,
  type GetAssertionParams,
  type HmacSecretContext,
} from './assertion';
import { ClientPin, type PinUvAuthToken } from './clientPin';
import { CtapCommand } from './commands';
import { AuthenticatorConfig } from './config';
import { CredentialManagement } from './credMgmt';
import { makeCredential, type MakeCredentialParams, type MakeCredentialResult } from './credential';
import { DEFAULT_MAX_MSG_SIZE, decodeGetInfoResponse, type AuthenticatorInfo } from './info';
import {
  withTouchDeadline,
  checkMessageSize,
  decodeResponse,
  encodeCommand,
  type CborChannel,
  type CborParams,
  type CommandOptions,
  type CommandTiming,
} from './sendCbor';
import { CtapError, isCtapError } from './status';
import { TransportError } from '../errors';

export interface Ctap2Options {
  /** Test seam for key agreement / IV randomness. */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Called after every CBOR command (timing, logging). Never receives PINs: only sizes and status. */
  readonly onCommand?: (timing: CommandTiming) => void;
}

export class Ctap2 implements CborChannel {
  info: AuthenticatorInfo;
  readonly clientPin: ClientPin;
  private readonly random: (n: number) => Uint8Array;
  private readonly onCommand?: (timing: CommandTiming) => void;
  private lastAssertionHmac: HmacSecretContext | undefined;

  private constructor(
    readonly device: CtapHidDevice,
    info: AuthenticatorInfo,
    options: Ctap2Options,
  ) {
    this.info = info;
    this.random = options.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
    this.onCommand = options.onCommand;
    this.clientPin = new ClientPin(
      this,
      () => this.info,
      this.random,
      (o) => this.getInfo(o),
    );
  }

  /** Reads getInfo (§6.4) and keeps it. */
  static async open(
    device: CtapHidDevice,
    options: CommandOptions & Ctap2Options = {},
  ): Promise<Ctap2> {
    // INIT without the CBOR capability: a U2F-only key, or FIDO2 turned off on it (§11.2.9.1.3).
    // getInfo would only earn an ERR_INVALID_CMD; say what it is instead.
    if (!device.capabilities.cbor)
      throw new TransportError(
        'u2f-only',
        'this key only supports U2F (CTAP1): no FIDO2 / CTAP2 (it may be turned off on the key)',
      );
    const probe = new Ctap2(device, PLACEHOLDER_INFO, options);
    probe.info = decodeGetInfoResponse(
      await probe.sendCbor(CtapCommand.getInfo, undefined, options),
    );
    return probe;
  }

  get maxMsgSize(): number {
    return this.info.maxMsgSize;
  }

  async getInfo(options?: CommandOptions): Promise<AuthenticatorInfo> {
    this.info = decodeGetInfoResponse(await this.sendCbor(CtapCommand.getInfo, undefined, options));
    return this.info;
  }

  /** The choke point (python-fido2 `send_cbor`): size check, status → CtapError, decode, timing. */
  async sendCbor(command: number, params?: CborParams, options?: CommandOptions): Promise<unknown> {
    const t0 = performance.now();
    const request = encodeCommand(command, params);
    checkMessageSize(request, this.info.maxMsgSize);
    const t1 = performance.now();
    const reply = await this.device.cbor(request, options);
    const t2 = performance.now();
    let status = reply[0] ?? -1;
    try {
      return decodeResponse(reply, command);
    } catch (e) {
      if (!(e instanceof CtapError)) status = -1;
      throw e;
    } finally {
      const t3 = performance.now();
      this.onCommand?.({
        command,
        requestBytes: request.length,
        responseBytes: reply.length,
        totalMs: t3 - t0,
        codecMs: t1 - t0 + (t3 - t2),
        status,
      });
    }
  }

  makeCredential(
    params: MakeCredentialParams,
    options?: CommandOptions,
  ): Promise<MakeCredentialResult> {
    return makeCredential(this, params, options);
  }

  async getAssertion(
    params: GetAssertionParams,
    options?: CommandOptions,
  ): Promise<AssertionResult> {
    let hmac: HmacSecretContext | undefined;
    if (params.extensions?.hmacSecret) {
      const { platformKey, sharedSecret } = await this.clientPin.sharedSecret(options);
      hmac = { proto: this.clientPin.pinProtocol, platformKey, sharedSecret, random: this.random };
    }
    this.lastAssertionHmac = hmac;
    return getAssertion(this, params, options, hmac);
  }

  getNextAssertion(options?: CommandOptions): Promise<AssertionResult> {
    return getNextAssertion(this, options, this.lastAssertionHmac);
  }

  async getAssertions(
    params: GetAssertionParams,
    options?: CommandOptions,
  ): Promise<AssertionResult[]> {
    const first = await this.getAssertion(params, options);
    const results = [first];
    // A hostile count must not make us loop for long: keys hold at most a few hundred credentials.
    const count = Math.min(first.numberOfCredentials ?? 1, 256);
    for (let i = 1; i < count; i++) results.push(await this.getNextAssertion(options));
    return results;
  }

  /** authenticatorReset (§6.6): needs a touch, and most keys accept it only within ~10 s of power-up. */
  async reset(options?: CommandOptions): Promise<void> {
    await this.sendCbor(CtapCommand.reset, undefined, withTouchDeadline(options));
    await this.getInfo(options);
  }

  /** authenticatorSelection (§6.9): "touch the key you want to use". */
  async selection(options?: CommandOptions): Promise<void> {
    await this.sendCbor(CtapCommand.selection, undefined, withTouchDeadline(options));
  }

  /**
   * Wait for a touch on this key: authenticatorSelection on CTAP 2.1 keys; on 2.0 keys (no
   * selection command) a dummy makeCredential, as libfido2 does — with a zero-length
   * pinUvAuthParam when the key knows PINs, so it creates nothing and answers PIN_NOT_SET /
   * PIN_INVALID after the touch, which count as touched.
   */
  async selectByTouch(options?: CommandOptions): Promise<void> {
    if (this.info.versions.includes('FIDO_2_1')) {
      await this.selection(options);
      return;
    }
    const probe = this.info.options.clientPin !== undefined;
    try {
      await this.makeCredential(
        {
          clientDataHash: new Uint8Array(32),
          rp: { id: '.dummy' },
          user: { id: Uint8Array.of(0), name: 'dummy' },
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          ...(probe ? { touchProbe: 1 as const } : {}),
        },
        options,
      );
    } catch (e) {
      if (
        isCtapError(e, 'PIN_NOT_SET') ||
        isCtapError(e, 'PIN_INVALID') ||
        isCtapError(e, 'PIN_AUTH_INVALID')
      )
        return;
      throw e;
    }
  }

  credentialManagement(token: PinUvAuthToken): CredentialManagement {
    return new CredentialManagement(this, this.info, token);
  }

  /** Without a token only on a key with no PIN and no built-in UV configured (§6.11). */
  config(token?: PinUvAuthToken): AuthenticatorConfig {
    return new AuthenticatorConfig(this, token, (o) => this.getInfo(o));
  }

  close(): Promise<void> {
    return this.device.close();
  }
}

/** Before getInfo has answered: CTAP 2.0 defaults (§6.4). */
const PLACEHOLDER_INFO: AuthenticatorInfo = {
  versions: ['FIDO_2_0'],
  extensions: [],
  aaguid: '00000000-0000-0000-0000-000000000000',
  options: {},
  maxMsgSize: DEFAULT_MAX_MSG_SIZE,
  pinUvAuthProtocols: [],
  transports: [],
  algorithms: [],
  forcePinChange: false,
  minPinLength: 4,
  unknown: {},
};

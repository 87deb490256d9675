/** authenticatorConfig (CTAP 2.1 §6.11). */
import { encodeCanonical, type CborValue } from '../cbor';
import type { PinUvAuthToken } from './clientPin';
import { CtapCommand } from './commands';
import { pinProtocol } from './pinProtocol';
import { params, type CborChannel, type CborParams, type CommandOptions } from './sendCbor';

/** Request keys (§6.11). */
export const ConfigParam = {
  subCommand: 0x01,
  subCommandParams: 0x02,
  pinUvAuthProtocol: 0x03,
  pinUvAuthParam: 0x04,
} as const;

/** subCommand values (§6.11). */
export const ConfigSubCommand = {
  enableEnterpriseAttestation: 0x01,
  toggleAlwaysUv: 0x02,
  setMinPINLength: 0x03,
  vendorPrototype: 0xff,
} as const;

/** setMinPINLength subCommandParams keys (§6.11.4). */
export const SetMinPinLengthParam = {
  newMinPINLength: 0x01,
  minPinLengthRPIDs: 0x02,
  forceChangePin: 0x03,
} as const;

export interface SetMinPinLengthRequest {
  newMinPinLength?: number;
  minPinLengthRpIds?: string[];
  forceChangePin?: boolean;
}

/**
 * pinUvAuthParam = authenticate(token, 32×0xff ‖ 0x0d ‖ uint8(subCommand) ‖ subCommandParams)
 * (§6.11). Without a token the request carries no auth: a key with neither PIN nor built-in UV
 * configured (and alwaysUv off) accepts that (§6.11 step 3), e.g. to set the minimum PIN length
 * before the first PIN.
 */
export function encodeConfigRequest(
  subCommand: number,
  token: PinUvAuthToken | undefined,
  subParams?: CborParams,
): CborParams {
  if (!token)
    return params([
      [ConfigParam.subCommand, subCommand],
      [ConfigParam.subCommandParams, subParams],
    ]);
  const encodedParams = subParams ? encodeCanonical(subParams) : new Uint8Array(0);
  const message = new Uint8Array(34 + encodedParams.length);
  message.fill(0xff, 0, 32);
  message[32] = CtapCommand.config;
  message[33] = subCommand;
  message.set(encodedParams, 34);
  return params([
    [ConfigParam.subCommand, subCommand],
    [ConfigParam.subCommandParams, subParams],
    [ConfigParam.pinUvAuthProtocol, token.protocol],
    [ConfigParam.pinUvAuthParam, pinProtocol(token.protocol).authenticate(token.token, message)],
  ]);
}

export function encodeSetMinPinLengthParams(r: SetMinPinLengthRequest): CborParams | undefined {
  const p = params([
    [SetMinPinLengthParam.newMinPINLength, r.newMinPinLength],
    [
      SetMinPinLengthParam.minPinLengthRPIDs,
      r.minPinLengthRpIds?.length ? (r.minPinLengthRpIds as CborValue[]) : undefined,
    ],
    [SetMinPinLengthParam.forceChangePin, r.forceChangePin ? true : undefined],
  ]);
  return p.size ? p : undefined;
}

export class AuthenticatorConfig {
  constructor(
    private readonly channel: CborChannel,
    private readonly token: PinUvAuthToken | undefined,
    /** getInfo changes after config (minPINLength, forcePINChange, alwaysUv). */
    private readonly afterChange: (options?: CommandOptions) => Promise<unknown> = async () =>
      undefined,
  ) {}

  private async send(
    subCommand: number,
    subParams?: CborParams,
    options?: CommandOptions,
  ): Promise<void> {
    await this.channel.sendCbor(
      CtapCommand.config,
      encodeConfigRequest(subCommand, this.token, subParams),
      options,
    );
    await this.afterChange(options);
  }

  toggleAlwaysUv(options?: CommandOptions): Promise<void> {
    return this.send(ConfigSubCommand.toggleAlwaysUv, undefined, options);
  }

  setMinPinLength(request: SetMinPinLengthRequest, options?: CommandOptions): Promise<void> {
    return this.send(
      ConfigSubCommand.setMinPINLength,
      encodeSetMinPinLengthParams(request),
      options,
    );
  }

  enableEnterpriseAttestation(options?: CommandOptions): Promise<void> {
    return this.send(ConfigSubCommand.enableEnterpriseAttestation, undefined, options);
  }
}

/**
 * The password reset's security-key step as the station's screens drive it (docs/DESIGN.md
 * §3.9): the key chosen by its device id, like the security key flow and the key manager, so
 * the API hands the id down and never resolves a key itself. The check stays in PasswordReset.
 */
import type { DeviceTarget } from '../../native/index';
import type { KeyInteraction } from './methods/securityKey';
import type { PasswordReset, ResetView } from './passwordReset';

/** The slice of KeyDevices the step needs: a key by its id. */
export interface ResetDevices {
  target(deviceId: string): DeviceTarget;
}

export class PasswordResetKeys {
  constructor(
    private readonly reset: PasswordReset,
    private readonly devices: ResetDevices,
  ) {}

  /** PIN + touch on the key `deviceId` names (refused as the key devices refuse it). */
  verifyKey(
    resetId: string,
    deviceId: string,
    pin: string,
    opts: { interaction?: KeyInteraction } = {},
  ): Promise<ResetView> {
    return this.reset.verifyKey(resetId, this.devices.target(deviceId), pin, opts);
  }
}

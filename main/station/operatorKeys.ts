/**
 * An operator's own security key (DESIGN.md §3.7): registering it for the signed-in operator and
 * signing in with it. The WebAuthn options and their verification are OperatorService's
 * (main/station/operators.ts) and OperatorSignIn's (main/station/operatorSignIn.ts); this
 * module runs them on the key the operator plugged in.
 *
 * The key passes the same rules as a person's key (main/station/methods/securityKeyRules.ts):
 * a new PIN follows the organization's PIN policy, and the AAGUID allow-list, the refusal of the
 * virtual key on a production station and of a model the imported FIDO metadata flags apply
 * before anything is sent to the key.
 */
import {
  createCredential,
  getCredential,
  type Ctap2,
  type DeviceTarget,
  type KeepaliveState,
} from '../../native/index';
import { MIN_PIN_LENGTH } from '../../domain/pin';
import { StationError } from './errors';
import {
  keyErrorToStation,
  nativeSecurityKeyClient,
  type SecurityKeyClient,
} from './methods/securityKey';
import { checkKeyModel, checkNewKeyPin, isVirtualKeyAaguid } from './methods/securityKeyRules';
import type { OperatorAccount } from './operators';
import type { Station } from './index';

/** "Touch your key" / "processing" while the key works. */
export type KeyProgress = (status: 'touchNeeded' | 'processing') => void;

/** The slice of KeyDevices (main/station/devices.ts) the operator key needs. */
export interface OperatorKeySource {
  list(): { deviceId: string; virtual: boolean }[];
  target(deviceId: string): DeviceTarget;
}

/** The key the operator would use right now (the first one plugged in). */
export interface OperatorKeyStatus {
  readonly present: boolean;
  readonly virtual: boolean;
  readonly model: string | null;
  readonly pinSet: boolean | null;
  /** Production stations refuse the virtual key (DESIGN.md §4). */
  readonly refused: boolean;
  /**
   * The rules a new PIN for this key must meet: the organization's PIN policy, as for a
   * person's key (never the key's bare minimum), with the key's own minimum when it is higher.
   */
  readonly pinPolicy: { readonly minLength: number; readonly rejectTrivial: boolean };
}

function keepalive(progress: KeyProgress | undefined): (s: KeepaliveState) => void {
  return (s) => progress?.(s === 'up-needed' ? 'touchNeeded' : 'processing');
}

export class OperatorKeyCeremonies {
  constructor(
    private readonly station: Station,
    private readonly keys: OperatorKeySource | undefined,
    private readonly client: SecurityKeyClient = nativeSecurityKeyClient,
  ) {}

  /** What the sign-in page shows about the first key plugged in. */
  async status(): Promise<OperatorKeyStatus> {
    const device = this.keys?.list()[0];
    const rules = this.station.policy.get().pin;
    const pinPolicy = (keyMinLength?: number) => ({
      minLength: Math.max(rules.minLength, keyMinLength ?? MIN_PIN_LENGTH),
      rejectTrivial: rules.rejectTrivial,
    });
    if (!this.keys || !device) {
      return {
        present: false,
        virtual: false,
        model: null,
        pinSet: null,
        refused: false,
        pinPolicy: pinPolicy(),
      };
    }
    const refused = device.virtual && this.station.mode === 'production';
    let pinSet: boolean | null = null;
    let keyMinLength: number | undefined;
    if (!refused) {
      try {
        const ctap = await this.client.open(this.keys.target(device.deviceId), {});
        pinSet = ctap.info.options.clientPin === true;
        keyMinLength = ctap.info.minPinLength;
        await ctap.close().catch(() => undefined);
      } catch {
        pinSet = null;
      }
    }
    return {
      present: true,
      virtual: device.virtual,
      model: null,
      pinSet,
      refused,
      pinPolicy: pinPolicy(keyMinLength),
    };
  }

  /**
   * Runs the operator's WebAuthn assertion on the key and verifies it; on success the station
   * session is that operator.
   */
  async signIn(
    username: string | undefined,
    pin: string,
    progress?: KeyProgress,
  ): Promise<OperatorAccount> {
    const { challengeId, response } = await this.assertion(username, pin, progress);
    return this.station.auth.completeOperatorKeySignIn(challengeId, response);
  }

  /**
   * The operator's key confirms something at a kiosk in person: the same assertion, verified,
   * but the station session stays the kiosk person's.
   */
  async confirm(
    username: string | undefined,
    pin: string,
    progress?: KeyProgress,
  ): Promise<OperatorAccount> {
    const { challengeId, response } = await this.assertion(username, pin, progress);
    return this.station.auth.confirmOperatorKey(challengeId, response);
  }

  /** Runs the operator's WebAuthn assertion on the plugged-in key (not verified yet). */
  private async assertion(
    username: string | undefined,
    pin: string,
    progress?: KeyProgress,
  ): Promise<{ challengeId: string; response: Awaited<ReturnType<typeof getCredential>> }> {
    const begin = this.station.auth.beginOperatorKeySignIn(username?.trim() || undefined);
    const ctap = await this.open();
    let response;
    try {
      // A production station never accepts the virtual key, not even one registered earlier.
      if (isVirtualKeyAaguid(ctap.info.aaguid) && this.station.mode === 'production') {
        throw new StationError('securityKey.virtualKeyRefused');
      }
      response = await getCredential(
        ctap,
        { ...begin.options },
        {
          origin: begin.origin,
          pin,
          onKeepalive: keepalive(progress),
          // Without a username the key may hold people's credentials for the same RP too:
          // take the operator's (user handle "operator:<id>", OperatorService).
          select: (found) =>
            found.find((a) =>
              Buffer.from(a.user?.id ?? new Uint8Array())
                .toString()
                .startsWith('operator:'),
            ) ?? found[0],
        },
      );
    } catch (e) {
      throw keyErrorToStation(e);
    } finally {
      await ctap.close().catch(() => undefined);
    }
    return { challengeId: begin.challengeId, response };
  }

  /**
   * Registers the plugged-in key for the signed-in operator. A key without a PIN gets one first,
   * under the organization's PIN rules — exactly as a person's key does.
   */
  async register(pin: string, name: string, progress?: KeyProgress): Promise<OperatorAccount> {
    const actor = this.station.session.assertOperator();
    const operatorId = Number(actor.id);
    const begin = this.station.operators.beginKeyRegistration(operatorId);
    const ctap = await this.open();
    let response;
    try {
      const info = ctap.info;
      const policy = this.station.policy.get();
      checkKeyModel(
        policy.securityKey,
        this.station.mode,
        info.aaguid,
        this.station.keyModels.importedCatalog(),
      );
      if (info.options.clientPin !== true) {
        checkNewKeyPin(pin, policy.pin, info.minPinLength);
        await ctap.clientPin.setPin(pin);
      }
      response = await createCredential(ctap, begin.options, {
        origin: begin.origin,
        pin,
        onKeepalive: keepalive(progress),
      });
    } catch (e) {
      throw keyErrorToStation(e);
    } finally {
      await ctap.close().catch(() => undefined);
    }
    return this.station.operators.completeKeyRegistration(begin.challengeId, response, name);
  }

  /** The first key plugged in; a production station refuses a listed virtual key (DESIGN.md §4). */
  private async open(): Promise<Ctap2> {
    const device = this.keys?.list()[0];
    if (!this.keys || !device) throw new StationError('securityKey.notFound');
    if (device.virtual && this.station.mode === 'production') {
      throw new StationError('securityKey.virtualKeyRefused');
    }
    try {
      return await this.client.open(this.keys.target(device.deviceId), {});
    } catch (e) {
      throw keyErrorToStation(e);
    }
  }
}

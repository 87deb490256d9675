/**
 * Managing one security key, the way ykman / fido2-token / Yubico Authenticator do: status
 * (model, firmware, PIN and UV state, slots), PIN set/change under the key's own rules,
 * credentials on the key, authenticatorConfig, fingerprints and reset. The CLI and the
 * station's "Security keys" page use this one code path.
 *
 * Tokens: every operation gets a fresh pinUvAuthToken with only the permissions it needs and
 * never keeps it (a token is spent by user presence and invalidated by the next getPinToken,
 * CTAP 2.1 §6.5.5.7). A PIN_AUTH_INVALID reply (token expired or invalidated meanwhile) gets
 * one more try with a new token from the same PIN.
 */
import type { KeepaliveState } from '../ctaphid/device';
import { BioEnrollment, type BioModality, type EnrollSample } from '../ctap2/bio';
import {
  checkPinRules,
  type Permission,
  type PinRuleViolation,
  type PinUvAuthToken,
} from '../ctap2/clientPin';
import type { Ctap2, Ctap2Options } from '../ctap2/client';
import type { UserEntity } from '../ctap2/decode';
import type { AuthenticatorInfo } from '../ctap2/info';
import type { CommandOptions } from '../ctap2/sendCbor';
import type { CredsMetadata, StoredCredential, StoredRp } from '../ctap2/credMgmt';
import { CtapError, CtapStatus, isCtapError } from '../ctap2/status';
import { CtapCommand } from '../ctap2/commands';
import { openAuthenticator } from '../open';
import type { DeviceTarget } from '../hid/discovery';
import type { OpenOptions } from '../ctaphid/device';
import { describeKey, type KeyDescription, type ModelCatalog } from './keyModel';

/** How the manager asks for the PIN (a prompt, an Interaction, a test). Never logged. */
export type PinPrompt = (request: { purpose: 'current' | 'new' }) => Promise<string>;

export interface KeyManagerOptions {
  readonly signal?: AbortSignal;
  readonly onKeepalive?: (state: KeepaliveState) => void;
  /** Deadline for commands that wait for a touch (default 30 s). */
  readonly touchTimeoutMs?: number;
  /** Asked when an operation needs the key's PIN. */
  readonly pin?: PinPrompt;
  /** AAGUID → model names (and MDS status, when an MDS BLOB was imported). */
  readonly models?: ModelCatalog;
}

export interface KeyStatus {
  readonly description: KeyDescription;
  readonly info: AuthenticatorInfo;
  /** 'set' / 'not-set' / 'unsupported' (CTAP 2.0 U2F-level keys without clientPin). */
  readonly pin: 'set' | 'not-set' | 'unsupported';
  readonly pinRetries?: number;
  readonly pinPowerCycleRequired?: boolean;
  readonly uv: 'configured' | 'not-configured' | 'unsupported';
  readonly uvRetries?: number;
  readonly alwaysUv?: boolean;
  readonly enterpriseAttestation: 'enabled' | 'disabled' | 'unsupported';
  readonly minPinLength: number;
  readonly maxPinLength: number;
  readonly forcePinChange: boolean;
  readonly pinComplexityPolicy: boolean;
  readonly remainingDiscoverableCredentials?: number;
  /** credMgmt on 0x0A (CTAP 2.1), 0x41 (2.1 preview), or none (2.0). */
  readonly credentialManagement: 'ctap21' | 'preview' | 'none';
  readonly bioEnrollment: 'ctap21' | 'preview' | 'none';
  readonly authenticatorConfig: boolean;
}

export interface PinRules {
  readonly minLength: number;
  readonly maxLength: number;
  readonly complexityPolicy: boolean;
  readonly complexityPolicyUrl?: string;
}

export interface StoredRpCredentials {
  readonly rp: StoredRp['rp'];
  readonly rpIdHash: Uint8Array;
  readonly credentials: StoredCredential[];
}

/** A refused operation the key can't do at all (not an error the key returned). */
export class KeyCapabilityError extends Error {
  override readonly name = 'KeyCapabilityError';
  constructor(
    readonly capability:
      | 'credential-management'
      | 'authenticator-config'
      | 'bio-enrollment'
      | 'enterprise-attestation'
      | 'client-pin'
      | 'pin-not-set'
      | 'pin-already-set'
      | 'user-verification',
    message: string,
  ) {
    super(message);
  }
}

export class KeyManager {
  constructor(
    readonly ctap: Ctap2,
    private readonly options: KeyManagerOptions = {},
  ) {}

  static async open(
    target: DeviceTarget,
    options: KeyManagerOptions & OpenOptions & Ctap2Options = {},
  ): Promise<KeyManager> {
    const { touchTimeoutMs: _t, pin: _p, models: _m, ...open } = options;
    return new KeyManager(await openAuthenticator(target, open), options);
  }

  get info(): AuthenticatorInfo {
    return this.ctap.info;
  }

  /** Options for a command; `touch` ones carry the caller's deadline if it set one. */
  private command(touch = false): CommandOptions {
    const o: {
      signal?: AbortSignal;
      onKeepalive?: (s: KeepaliveState) => void;
      timeoutMs?: number;
    } = {};
    if (this.options.signal) o.signal = this.options.signal;
    if (this.options.onKeepalive) o.onKeepalive = this.options.onKeepalive;
    if (touch && this.options.touchTimeoutMs !== undefined)
      o.timeoutMs = this.options.touchTimeoutMs;
    return o;
  }

  describe(): KeyDescription {
    return describeKey(this.info, this.ctap.device, this.options.models);
  }

  /** Everything `ykman fido info` shows, plus the model and the key's PIN rules. */
  async status(): Promise<KeyStatus> {
    const info = await this.ctap.getInfo(this.command());
    const o = info.options;
    let pinRetries: number | undefined;
    let pinPowerCycleRequired: boolean | undefined;
    if (o.clientPin === true) {
      const r = await this.ctap.clientPin.getRetries(this.command());
      pinRetries = r.retries;
      pinPowerCycleRequired = r.powerCycleRequired;
    }
    let uvRetries: number | undefined;
    if (o.uv !== undefined && o.pinUvAuthToken === true) {
      uvRetries = await this.ctap.clientPin.getUvRetries(this.command()).catch(() => undefined);
    }
    return {
      description: this.describe(),
      info,
      pin: o.clientPin === true ? 'set' : o.clientPin === false ? 'not-set' : 'unsupported',
      ...(pinRetries !== undefined ? { pinRetries, pinPowerCycleRequired } : {}),
      uv: o.uv === true ? 'configured' : o.uv === false ? 'not-configured' : 'unsupported',
      ...(uvRetries !== undefined ? { uvRetries } : {}),
      ...(o.alwaysUv !== undefined ? { alwaysUv: o.alwaysUv } : {}),
      enterpriseAttestation:
        o.ep === true ? 'enabled' : o.ep === false ? 'disabled' : 'unsupported',
      minPinLength: info.minPinLength,
      maxPinLength: this.pinRules().maxLength,
      forcePinChange: info.forcePinChange,
      pinComplexityPolicy: info.pinComplexityPolicy === true,
      ...(info.remainingDiscoverableCredentials !== undefined
        ? { remainingDiscoverableCredentials: info.remainingDiscoverableCredentials }
        : {}),
      credentialManagement:
        o.credMgmt === true ? 'ctap21' : o.credentialMgmtPreview === true ? 'preview' : 'none',
      bioEnrollment:
        o.bioEnroll !== undefined
          ? 'ctap21'
          : o.userVerificationMgmtPreview !== undefined
            ? 'preview'
            : 'none',
      authenticatorConfig: o.authnrCfg === true,
    };
  }

  // ---- PIN ----

  /** The key's PIN rules (getInfo minPINLength, maxPINLength, pinComplexityPolicy). */
  pinRules(): PinRules {
    const info = this.info;
    return {
      minLength: Math.max(4, info.minPinLength),
      maxLength: Math.min(info.maxPinLength ?? 63, 63),
      complexityPolicy: info.pinComplexityPolicy === true,
      ...(info.pinComplexityPolicyUrl ? { complexityPolicyUrl: info.pinComplexityPolicyUrl } : {}),
    };
  }

  /** Local check of a new PIN against the key's length rules (the complexity policy is the key's). */
  checkNewPin(pin: string): PinRuleViolation | null {
    return checkPinRules(pin, this.info.minPinLength, this.info.maxPinLength);
  }

  private async askPin(purpose: 'current' | 'new'): Promise<string> {
    if (!this.options.pin)
      throw new KeyCapabilityError(
        'client-pin',
        'this operation needs the PIN, and no PIN prompt was given',
      );
    return this.options.pin({ purpose });
  }

  /** Set the first PIN (the ctap2 layer checks the key's length rules before sending). */
  async setPin(newPin: string): Promise<void> {
    if (this.info.options.clientPin === undefined)
      throw new KeyCapabilityError('client-pin', 'the key has no PIN support');
    if (this.info.options.clientPin === true)
      throw new KeyCapabilityError('pin-already-set', 'a PIN is already set');
    await this.ctap.clientPin.setPin(newPin, this.command());
  }

  async changePin(currentPin: string, newPin: string): Promise<void> {
    if (this.info.options.clientPin !== true)
      throw new KeyCapabilityError('pin-not-set', 'no PIN is set on this key');
    await this.ctap.clientPin.changePin(currentPin, newPin, this.command());
  }

  async pinRetries(): Promise<{ retries: number; powerCycleRequired: boolean }> {
    return this.ctap.clientPin.getRetries(this.command());
  }

  /**
   * A fresh token for one operation: from the PIN when one is set and a PIN prompt was given,
   * else from built-in UV (getPinUvAuthTokenUsingUvWithPermissions) when the key has it.
   */
  private async token(
    permissions: Permission[],
    rpId?: string,
    pin?: string,
  ): Promise<{ token: PinUvAuthToken; pin?: string }> {
    const o = this.info.options;
    const canUv = o.uv === true && o.pinUvAuthToken === true;
    const usePin = o.clientPin === true && (pin !== undefined || this.options.pin !== undefined);
    if (!usePin && canUv) {
      return {
        token: await this.ctap.clientPin.getUvToken({ permissions, rpId }, this.command(true)),
      };
    }
    if (o.clientPin !== true)
      throw new KeyCapabilityError('pin-not-set', 'no PIN is set on this key');
    const p = pin ?? (await this.askPin('current'));
    return {
      token: await this.ctap.clientPin.getPinToken(p, { permissions, rpId }, this.command()),
      pin: p,
    };
  }

  /** Run `op` with a fresh token; once more with a new one if the key says PIN_AUTH_INVALID. */
  private async withToken<T>(
    permissions: Permission[],
    op: (token: PinUvAuthToken) => Promise<T>,
    rpId?: string,
  ): Promise<T> {
    const first = await this.token(permissions, rpId);
    try {
      return await op(first.token);
    } catch (e) {
      if (!isCtapError(e, 'PIN_AUTH_INVALID')) throw e;
      const again = await this.token(permissions, rpId, first.pin);
      return op(again.token);
    }
  }

  // ---- credentials on the key ----

  private requireCredMgmt(): void {
    const o = this.info.options;
    if (o.credMgmt !== true && o.credentialMgmtPreview !== true)
      throw new KeyCapabilityError(
        'credential-management',
        'this key (CTAP 2.0) cannot list or delete its passkeys; only a reset removes them',
      );
  }

  async credentials(): Promise<{ metadata: CredsMetadata; rps: StoredRpCredentials[] }> {
    this.requireCredMgmt();
    return this.withToken(['cm'], async (token) => {
      const cm = this.ctap.credentialManagement(token);
      const metadata = await cm.getMetadata(this.command());
      const rps: StoredRpCredentials[] = [];
      for (const rp of await cm.listRps(this.command())) {
        rps.push({
          rp: rp.rp,
          rpIdHash: rp.rpIdHash,
          credentials: await cm.listCredentials(rp.rpIdHash, this.command()),
        });
      }
      return { metadata, rps };
    });
  }

  async deleteCredential(credentialId: Uint8Array): Promise<void> {
    this.requireCredMgmt();
    await this.withToken(['cm'], (t) =>
      this.ctap.credentialManagement(t).deleteCredential(credentialId, this.command()),
    );
    await this.ctap.getInfo(this.command());
  }

  /** credMgmt updateUserInformation (CTAP 2.1 only, not in the 0x41 preview). */
  async updateUser(credentialId: Uint8Array, user: UserEntity): Promise<void> {
    this.requireCredMgmt();
    if (this.info.options.credMgmt !== true)
      throw new KeyCapabilityError(
        'credential-management',
        'this key supports only the CTAP 2.1 preview of credential management, without updating user details',
      );
    await this.withToken(['cm'], (t) =>
      this.ctap.credentialManagement(t).updateUserInformation(credentialId, user, this.command()),
    );
  }

  // ---- authenticatorConfig ----

  /** A token for config, or none on a key with neither PIN nor UV (§6.11, e.g. min length before the first PIN). */
  private async withConfig(
    op: (config: ReturnType<Ctap2['config']>) => Promise<void>,
  ): Promise<void> {
    const o = this.info.options;
    if (o.authnrCfg !== true)
      throw new KeyCapabilityError(
        'authenticator-config',
        'this key does not support authenticatorConfig',
      );
    if (o.clientPin !== true && o.uv !== true && o.alwaysUv !== true) {
      await op(this.ctap.config());
      return;
    }
    await this.withToken(['acfg'], (t) => op(this.ctap.config(t)));
  }

  async setMinPinLength(minPinLength: number, rpIds: string[] = []): Promise<void> {
    const max = this.info.maxRpIdsForSetMinPinLength ?? 0;
    if (rpIds.length > max) throw new CtapError(CtapStatus.LIMIT_EXCEEDED, CtapCommand.config);
    await this.withConfig((c) =>
      c.setMinPinLength(
        { newMinPinLength: minPinLength, ...(rpIds.length ? { minPinLengthRpIds: rpIds } : {}) },
        this.command(),
      ),
    );
  }

  async forcePinChange(): Promise<void> {
    await this.withConfig((c) => c.setMinPinLength({ forceChangePin: true }, this.command()));
  }

  async toggleAlwaysUv(): Promise<boolean> {
    await this.withConfig((c) => c.toggleAlwaysUv(this.command()));
    return this.info.options.alwaysUv === true;
  }

  /** Turn on enterprise attestation. Only a reset turns it off again. */
  async enableEnterpriseAttestation(): Promise<void> {
    if (this.info.options.ep === undefined)
      throw new KeyCapabilityError(
        'enterprise-attestation',
        'this key does not support enterprise attestation',
      );
    await this.withConfig((c) => c.enableEnterpriseAttestation(this.command()));
  }

  // ---- fingerprints ----

  private bio(token: PinUvAuthToken): BioEnrollment {
    return new BioEnrollment(this.ctap, this.info, token);
  }

  private requireBio(): void {
    const o = this.info.options;
    if (o.bioEnroll === undefined && o.userVerificationMgmtPreview === undefined)
      throw new KeyCapabilityError('bio-enrollment', 'this key has no fingerprint sensor');
  }

  async fingerprintSensor(): Promise<BioModality> {
    this.requireBio();
    return new BioEnrollment(this.ctap, this.info).sensorInfo(this.command());
  }

  async fingerprints(): Promise<{ templateId: Uint8Array; name?: string }[]> {
    this.requireBio();
    return this.withToken(['be'], (t) => this.bio(t).enumerate(this.command()));
  }

  /**
   * Enroll a finger: one touch per sample until the key says done; `onSample` gets the
   * feedback per sample ("lift and touch again", n of N).
   */
  async enrollFingerprint(
    onSample: (sample: EnrollSample) => void,
    name?: string,
  ): Promise<Uint8Array> {
    this.requireBio();
    return this.withToken(['be'], async (t) => {
      const bio = this.bio(t);
      const id = await bio.enroll(onSample, this.command(true));
      if (name) await bio.setName(id, name, this.command());
      return id;
    });
  }

  async renameFingerprint(templateId: Uint8Array, name: string): Promise<void> {
    this.requireBio();
    await this.withToken(['be'], (t) => this.bio(t).setName(templateId, name, this.command()));
  }

  async deleteFingerprint(templateId: Uint8Array): Promise<void> {
    this.requireBio();
    await this.withToken(['be'], (t) => this.bio(t).remove(templateId, this.command()));
  }

  // ---- presence ----

  async wink(): Promise<void> {
    await this.ctap.device.wink(this.command());
  }

  /** "Touch the key you want to use": selection on 2.1, a dummy makeCredential on 2.0. */
  async select(): Promise<void> {
    await this.ctap.selectByTouch(this.command(true));
  }

  /**
   * authenticatorReset. Most keys accept it only within seconds of being plugged in
   * (NOT_ALLOWED otherwise), and some want the button held (`longTouchForReset`).
   */
  async reset(): Promise<void> {
    await this.ctap.reset(this.command(true));
  }

  close(): Promise<void> {
    return this.ctap.close();
  }
}

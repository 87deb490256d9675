/**
 * The operator console's "Security keys" page (docs/KEYS.md "Key manager"): what ykman, Yubico
 * Authenticator and fido2-token do, over the same native KeyManager as `keystation-key`.
 *
 * Every call opens the key, does one thing and closes it again, like the CLI; the key's PIN
 * comes with each call that needs it and is never kept, logged or stored. New PINs follow the
 * station's PIN policy and then the key's own rules. Credentials on a key are matched against
 * the registry, so each shows the person and method the station knows it as.
 */
import {
  CtapPinError,
  KeyCapabilityError,
  KeyManager,
  isCtapError,
  isTransportError,
  type DeviceTarget,
  type KeepaliveState,
  type KeyStatus,
  type ModelCatalog,
} from '../../native/index';
import type { StationContext } from './context';
import { StationError } from './errors';
import { KeyOperations } from './keyOperations';
import type { KeyPresenceChange } from './devices';
import { keyFailure, keyPinRulesError } from './methods/securityKey';
import { checkNewKeyPin } from './methods/securityKeyRules';
import type { MethodRepository } from '../db/repositories/methods';
import type { Station } from './index';
import { stationContext } from './internals';
import type { KeyMetadataImport, KeyMetadataStatus, KeyModelService } from './keyModels';

/** The slice of KeyDevices (main/station/devices.ts) the key manager needs. */
export interface KeyManagerDevices {
  list(): { deviceId: string; virtual: boolean }[];
  target(deviceId: string): DeviceTarget;
  onPresence(listener: (change: KeyPresenceChange) => void): () => void;
}

/** One key plugged in, labelled so two of the same model can be told apart. */
export interface KeyChoice {
  readonly deviceId: string;
  /** 1-based, in the order the keys are listed ("#2"). */
  readonly index: number;
  readonly virtual: boolean;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly compromised: boolean;
  /** Why the key could not be read (a transport or station code), else null. */
  readonly problem: string | null;
}

/** What the page shows about one key (ykman fido info, plus the model and the key's PIN rules). */
export interface KeyOverview {
  readonly deviceId: string;
  readonly aaguid: string;
  readonly model: string;
  readonly known: boolean;
  readonly vendor: string | null;
  readonly firmware: string;
  readonly firmwareRaw: number | null;
  readonly mdsStatus: string | null;
  readonly compromised: boolean;
  readonly versions: string[];
  readonly pin: KeyStatus['pin'];
  readonly pinRetries: number | null;
  readonly pinPowerCycleRequired: boolean;
  readonly uv: KeyStatus['uv'];
  readonly uvRetries: number | null;
  readonly alwaysUv: boolean | null;
  readonly enterpriseAttestation: KeyStatus['enterpriseAttestation'];
  readonly minPinLength: number;
  readonly maxPinLength: number;
  readonly forcePinChange: boolean;
  readonly pinComplexityPolicy: boolean;
  readonly maxRpIdsForMinPinLength: number;
  readonly remainingDiscoverableCredentials: number | null;
  readonly credentialManagement: KeyStatus['credentialManagement'];
  readonly bioEnrollment: KeyStatus['bioEnrollment'];
  readonly authenticatorConfig: boolean;
  readonly longTouchForReset: boolean;
  readonly wink: boolean;
  /** The options map as the key sent it (getInfo 0x04). */
  readonly options: Record<string, boolean>;
  /** The station's own PIN rules, which a new PIN must meet as well. */
  readonly stationPinMinLength: number;
}

/** A credential on the key, and whom the registry knows it as. */
export interface KeyCredentialView {
  readonly rpId: string;
  /** base64url. */
  readonly credentialId: string;
  readonly userName: string | null;
  readonly userDisplayName: string | null;
  /** base64url of the user handle. */
  readonly userId: string;
  readonly owner: {
    readonly personId: number;
    readonly displayName: string;
    readonly upn: string;
    readonly methodLabel: string;
  } | null;
}

export interface FingerprintView {
  /** base64url. */
  readonly templateId: string;
  readonly name: string | null;
}

export type KeyConfigChange =
  | { readonly kind: 'forcePinChange' }
  | { readonly kind: 'minPinLength'; readonly length: number; readonly rpIds: readonly string[] }
  | { readonly kind: 'alwaysUv' }
  | { readonly kind: 'enterpriseAttestation' };

/** Progress of a long key operation, for the page ("touch", "lift and touch again", 2 of 4). */
export type KeyManagerProgress =
  | { readonly step: 'touch' | 'processing' }
  | { readonly step: 'remove' | 'insert' | 'hold' | 'resetting' }
  | {
      readonly step: 'sample';
      readonly feedback: string;
      readonly done: number;
      readonly total: number;
    };

export interface KeyOperationOptions {
  /**
   * The caller's id for this operation: `cancel(operationId)` stops it (CTAPHID CANCEL). A
   * second operation under an id still running is refused.
   */
  readonly operationId?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: KeyManagerProgress) => void;
}

const MAX_FINGERPRINT_NAME = 32;
/** Most keys name up to 64 bytes of a user's name/displayName (CTAP 2.1 §6.1 "user"). */
const MAX_USER_FIELD = 64;

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function fromB64(value: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(value)) throw new StationError('input.invalid', { field });
  return new Uint8Array(Buffer.from(value, 'base64url'));
}

/** What a key operation threw, in the station's words. */
export function keyManagerError(e: unknown): Error {
  if (e instanceof StationError) return e;
  if (e instanceof KeyCapabilityError) {
    if (e.capability === 'pin-not-set') return new StationError('securityKey.pinRequired');
    if (e.capability === 'client-pin') return new StationError('securityKey.pinRequired');
    return new StationError('securityKey.notSupportedByKey', { capability: e.capability });
  }
  if (e instanceof CtapPinError && e.violation === 'key-policy')
    return new StationError('securityKey.keyPinRules', {});
  if (isCtapError(e) && e.status === 'INVALID_COMMAND')
    return new StationError('securityKey.notSupportedByKey', { capability: 'command' });
  if (isTransportError(e) && e.code === 'io') return new StationError('securityKey.notFound');
  return keyFailure(e);
}

export class SecurityKeyManager {
  private readonly ctx: StationContext;
  private readonly methods: MethodRepository;

  readonly #operations = new KeyOperations();

  constructor(
    station: Station,
    private readonly devices: KeyManagerDevices,
    models?: () => ModelCatalog,
  ) {
    this.ctx = stationContext(station);
    this.methods = station.methods.repo;
    this.keyModels = station.keyModels;
    this.models = models ?? (() => station.keyModels.catalog());
  }

  private readonly keyModels: KeyModelService;
  private readonly models: () => ModelCatalog;

  /** The imported FIDO metadata: when, how many models, which are flagged. */
  metadata(): KeyMetadataStatus {
    this.ctx.session.assertStaff();
    return this.keyModels.status();
  }

  /** Import a FIDO metadata (MDS3) BLOB, verified against `rootPem` or the FIDO roots. */
  importMetadata(blob: string, rootPem?: string): Promise<KeyMetadataImport> {
    return this.keyModels.import(blob, rootPem);
  }

  /** Opens the key, runs `op`, closes it; every failure in the station's words. */
  private async withKey<T>(
    deviceId: string,
    op: (km: KeyManager) => Promise<T>,
    opts: KeyOperationOptions & { pin?: string } = {},
  ): Promise<T> {
    const pin = opts.pin;
    const onKeepalive = (s: KeepaliveState) =>
      opts.onProgress?.({ step: s === 'up-needed' ? 'touch' : 'processing' });
    let km: KeyManager;
    try {
      km = await KeyManager.open(this.devices.target(deviceId), {
        models: this.models(),
        signal: opts.signal,
        onKeepalive,
        ...(pin !== undefined && pin !== '' ? { pin: () => Promise.resolve(pin) } : {}),
      });
    } catch (e) {
      throw keyManagerError(e);
    }
    try {
      return await op(km);
    } catch (e) {
      throw keyManagerError(e);
    } finally {
      await km.close().catch(() => undefined);
    }
  }

  /** The keys plugged in now, each labelled by model, firmware and index. */
  async keys(): Promise<KeyChoice[]> {
    const out: KeyChoice[] = [];
    let index = 0;
    for (const d of this.devices.list()) {
      index += 1;
      try {
        const description = await this.withKey(d.deviceId, (km) => Promise.resolve(km.describe()));
        out.push({
          deviceId: d.deviceId,
          index,
          virtual: d.virtual,
          model: description.model,
          firmware: description.firmware.display,
          compromised: description.compromised,
          problem: null,
        });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        out.push({
          deviceId: d.deviceId,
          index,
          virtual: d.virtual,
          model: null,
          firmware: null,
          compromised: false,
          problem: typeof code === 'string' ? code : 'unknown',
        });
      }
    }
    return out;
  }

  async overview(deviceId: string): Promise<KeyOverview> {
    return this.withKey(deviceId, async (km) => {
      const s = await km.status();
      const info = s.info;
      return {
        deviceId,
        aaguid: s.description.aaguid,
        model: s.description.model,
        known: s.description.known,
        vendor: s.description.vendor ?? null,
        firmware: s.description.firmware.display,
        firmwareRaw: s.description.firmware.raw ?? null,
        mdsStatus: s.description.mdsStatus ?? null,
        compromised: s.description.compromised,
        versions: [...info.versions],
        pin: s.pin,
        pinRetries: s.pinRetries ?? null,
        pinPowerCycleRequired: s.pinPowerCycleRequired === true,
        uv: s.uv,
        uvRetries: s.uvRetries ?? null,
        alwaysUv: s.alwaysUv ?? null,
        enterpriseAttestation: s.enterpriseAttestation,
        minPinLength: Math.max(4, s.minPinLength),
        maxPinLength: s.maxPinLength,
        forcePinChange: s.forcePinChange,
        pinComplexityPolicy: s.pinComplexityPolicy,
        maxRpIdsForMinPinLength: info.maxRpIdsForSetMinPinLength ?? 0,
        remainingDiscoverableCredentials: s.remainingDiscoverableCredentials ?? null,
        credentialManagement: s.credentialManagement,
        bioEnrollment: s.bioEnrollment,
        authenticatorConfig: s.authenticatorConfig,
        longTouchForReset: info.longTouchForReset === true,
        wink: km.ctap.device.capabilities.wink,
        options: Object.fromEntries(
          Object.entries(info.options).filter(
            (e): e is [string, boolean] => typeof e[1] === 'boolean',
          ),
        ),
        stationPinMinLength: this.ctx.policy().pin.minLength,
      };
    });
  }

  /** The new PIN under the station's policy, then the key's own length rules. */
  private checkNewPin(km: KeyManager, pin: string, confirmation: string): void {
    checkNewKeyPin(pin, this.ctx.policy().pin, km.info.minPinLength);
    if (km.checkNewPin(pin) !== null)
      throw keyPinRulesError(km.info, this.ctx.policy().pin.minLength);
    if (pin !== confirmation) throw new StationError('pin.mismatch');
  }

  private async refusedByKeyRules<T>(km: KeyManager, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      if (isCtapError(e) && e.status === 'PIN_POLICY_VIOLATION')
        throw keyPinRulesError(km.info, this.ctx.policy().pin.minLength);
      throw e;
    }
  }

  async setPin(deviceId: string, pin: string, confirmation: string): Promise<void> {
    await this.withKey(deviceId, async (km) => {
      this.checkNewPin(km, pin, confirmation);
      await this.refusedByKeyRules(km, () => km.setPin(pin));
      this.audit('pinSet', km);
    });
  }

  async changePin(
    deviceId: string,
    currentPin: string,
    newPin: string,
    confirmation: string,
  ): Promise<void> {
    if (currentPin.length === 0 || Buffer.byteLength(currentPin) > 63)
      throw new StationError('input.invalid', { field: 'currentPin' });
    await this.withKey(deviceId, async (km) => {
      this.checkNewPin(km, newPin, confirmation);
      if (newPin.normalize('NFC') === currentPin.normalize('NFC'))
        throw new StationError('pin.sameAsCurrent');
      await this.refusedByKeyRules(km, () => km.changePin(currentPin, newPin));
      this.audit('pinChanged', km);
    });
  }

  async configure(
    deviceId: string,
    pin: string | undefined,
    change: KeyConfigChange,
  ): Promise<void> {
    await this.withKey(
      deviceId,
      async (km) => {
        switch (change.kind) {
          case 'forcePinChange':
            if (km.info.options.clientPin !== true)
              throw new StationError('securityKey.pinRequired');
            await km.forcePinChange();
            break;
          case 'minPinLength': {
            const max = km.info.maxRpIdsForSetMinPinLength ?? 0;
            if (change.rpIds.length > max)
              throw new StationError('securityKey.tooManyRpIds', { max });
            if (change.length < km.info.minPinLength)
              throw new StationError('input.invalid', { field: 'minPinLength' });
            await km.setMinPinLength(change.length, [...change.rpIds]);
            break;
          }
          case 'alwaysUv':
            await km.toggleAlwaysUv();
            break;
          case 'enterpriseAttestation':
            await km.enableEnterpriseAttestation();
            break;
        }
        this.audit('configured', km, { change: change.kind });
      },
      { pin },
    );
  }

  async credentials(deviceId: string, pin: string | undefined): Promise<KeyCredentialView[]> {
    return this.withKey(
      deviceId,
      async (km) => {
        const { rps } = await km.credentials();
        const all = rps.flatMap((rp) => rp.credentials.map((c) => ({ rpId: rp.rp.id, c })));
        const owners = this.methods.keyCredentialOwners(
          all.map(({ c }) => Buffer.from(c.credentialId.id)),
        );
        return all.map(({ rpId, c }) => {
          const id = b64(c.credentialId.id);
          const o = owners.get(id);
          return {
            rpId,
            credentialId: id,
            userName: c.user.name ?? null,
            userDisplayName: c.user.displayName ?? null,
            userId: b64(c.user.id),
            owner: o
              ? {
                  personId: o.person_id,
                  displayName: o.display_name,
                  upn: o.upn,
                  methodLabel: o.label,
                }
              : null,
          };
        });
      },
      { pin },
    );
  }

  async deleteCredential(
    deviceId: string,
    pin: string | undefined,
    credentialId: string,
  ): Promise<void> {
    const id = fromB64(credentialId, 'credentialId');
    await this.withKey(
      deviceId,
      async (km) => {
        await km.deleteCredential(id);
        this.audit('credentialDeleted', km);
      },
      { pin },
    );
  }

  async updateUser(
    deviceId: string,
    pin: string | undefined,
    credentialId: string,
    userId: string,
    user: { name: string; displayName: string },
  ): Promise<void> {
    const id = fromB64(credentialId, 'credentialId');
    const handle = fromB64(userId, 'userId');
    for (const [field, v] of Object.entries(user))
      if (Buffer.byteLength(v) > MAX_USER_FIELD || /\p{Cc}/u.test(v))
        throw new StationError('input.invalid', { field });
    await this.withKey(
      deviceId,
      (km) =>
        km.updateUser(id, {
          id: handle,
          ...(user.name ? { name: user.name } : {}),
          ...(user.displayName ? { displayName: user.displayName } : {}),
        }),
      { pin },
    );
  }

  async fingerprints(deviceId: string, pin: string | undefined): Promise<FingerprintView[]> {
    return this.withKey(
      deviceId,
      async (km) =>
        (await km.fingerprints()).map((f) => ({
          templateId: b64(f.templateId),
          name: f.name ?? null,
        })),
      { pin },
    );
  }

  private checkFingerprintName(name: string): void {
    if ([...name].length > MAX_FINGERPRINT_NAME || /\p{Cc}/u.test(name))
      throw new StationError('securityKey.fingerprintNameInvalid', { max: MAX_FINGERPRINT_NAME });
  }

  /** Enroll a finger: "touch the sensor", then per sample "lift and touch again", n of N. */
  async enrollFingerprint(
    deviceId: string,
    pin: string | undefined,
    name: string,
    options: KeyOperationOptions = {},
  ): Promise<FingerprintView> {
    this.checkFingerprintName(name);
    return this.tracked(options, (opts) =>
      this.withKey(
        deviceId,
        async (km) => {
          const sensor = await km.fingerprintSensor();
          let total = sensor.maxCaptureSamplesRequiredForEnroll ?? 0;
          let done = 0;
          const templateId = await km.enrollFingerprint((sample) => {
            if (sample.total !== undefined) total = sample.total;
            if (sample.feedback === 'good') done += 1;
            total = Math.max(total, done + sample.remaining);
            opts.onProgress?.({ step: 'sample', feedback: sample.feedback, done, total });
          }, name || undefined);
          this.audit('fingerprintEnrolled', km);
          return { templateId: b64(templateId), name: name || null };
        },
        { pin, ...opts },
      ),
    );
  }

  async renameFingerprint(
    deviceId: string,
    pin: string | undefined,
    templateId: string,
    name: string,
  ): Promise<void> {
    this.checkFingerprintName(name);
    if (name.trim() === '')
      throw new StationError('securityKey.fingerprintNameInvalid', { max: MAX_FINGERPRINT_NAME });
    const id = fromB64(templateId, 'templateId');
    await this.withKey(deviceId, (km) => km.renameFingerprint(id, name), { pin });
  }

  async deleteFingerprint(
    deviceId: string,
    pin: string | undefined,
    templateId: string,
  ): Promise<void> {
    const id = fromB64(templateId, 'templateId');
    await this.withKey(deviceId, (km) => km.deleteFingerprint(id), { pin });
  }

  async wink(deviceId: string): Promise<void> {
    await this.withKey(deviceId, async (km) => {
      if (!km.ctap.device.capabilities.wink)
        throw new StationError('securityKey.notSupportedByKey', { capability: 'wink' });
      await km.wink();
    });
  }

  /**
   * "Touch the key you want to use": every key waits for a touch (selection on 2.1, a dummy
   * makeCredential on 2.0); the first touched wins and the others get CANCEL. Keys that wink
   * blink meanwhile.
   */
  choose(deviceIds: readonly string[], opts: KeyOperationOptions = {}): Promise<string> {
    return this.tracked(opts, (o) => this.chooseNow(deviceIds, o));
  }

  private async chooseNow(
    deviceIds: readonly string[],
    opts: KeyOperationOptions,
  ): Promise<string> {
    const ids = deviceIds.length > 0 ? deviceIds : this.devices.list().map((d) => d.deviceId);
    if (ids.length === 0) throw new StationError('securityKey.notFound');
    const controllers = ids.map(() => new AbortController());
    const outer = opts.signal;
    const abortAll = () => controllers.forEach((c) => c.abort());
    outer?.addEventListener('abort', abortAll, { once: true });
    try {
      const attempts = ids.map((id, i) =>
        this.withKey(
          id,
          async (km) => {
            if (km.ctap.device.capabilities.wink) await km.wink().catch(() => undefined);
            await km.select();
            return id;
          },
          { signal: controllers[i].signal, onProgress: opts.onProgress },
        ),
      );
      const chosen = await Promise.any(attempts).catch((e: unknown) => {
        const errors = e instanceof AggregateError ? e.errors : [e];
        throw (
          errors.find((x) => !(x instanceof StationError && x.code === 'securityKey.cancelled')) ??
          errors[0]
        );
      });
      controllers.forEach((c, i) => {
        if (ids[i] !== chosen) c.abort();
      });
      await Promise.allSettled(attempts);
      return chosen;
    } finally {
      outer?.removeEventListener('abort', abortAll);
    }
  }

  /**
   * Guided reset (docs/KEYS.md "Reset"): the key must be removed and inserted again, since
   * keys accept a reset only within seconds of power-up; the re-inserted key is checked to be
   * the same model and firmware, the reset is sent at once, and the person touches the key (or
   * holds it for 5 s when the key says longTouchForReset).
   */
  reset(deviceId: string, opts: KeyOperationOptions = {}): Promise<void> {
    return this.tracked(opts, (o) => this.resetNow(deviceId, o));
  }

  /** Stops the operation running under `operationId` (an id not running: nothing happens). */
  cancel(operationId: string): void {
    this.#operations.abort(operationId);
  }

  /** Runs `body` under the caller's operation id when it gave one (then its signal is ours). */
  private tracked<T>(
    opts: KeyOperationOptions,
    body: (opts: KeyOperationOptions) => Promise<T>,
  ): Promise<T> {
    const operationId = opts.operationId;
    if (operationId === undefined) return body(opts);
    return this.#operations.run(operationId, (signal) => body({ ...opts, signal }));
  }

  private async resetNow(deviceId: string, opts: KeyOperationOptions): Promise<void> {
    const before = await this.withKey(deviceId, (km) => Promise.resolve(km.describe()));
    const signal = opts.signal;
    const waitFor = (type: KeyPresenceChange['type'], match: (id: string) => boolean) =>
      new Promise<string>((resolve, reject) => {
        const stop = this.devices.onPresence((c) => {
          if (c.type === type && match(c.deviceId)) {
            done();
            resolve(c.deviceId);
          }
        });
        const onAbort = () => {
          done();
          reject(new StationError('securityKey.cancelled'));
        };
        const done = () => {
          stop();
          signal?.removeEventListener('abort', onAbort);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        if (type === 'removed' && !this.devices.list().some((d) => d.deviceId === deviceId)) {
          done();
          resolve(deviceId);
        }
      });
    opts.onProgress?.({ step: 'remove' });
    await waitFor('removed', (id) => id === deviceId);
    opts.onProgress?.({ step: 'insert' });
    const again = await waitFor('inserted', () => true);
    await this.withKey(
      again,
      async (km) => {
        const now = km.describe();
        if (now.aaguid !== before.aaguid || now.firmware.display !== before.firmware.display)
          throw new StationError('securityKey.differentKey');
        opts.onProgress?.({ step: km.info.longTouchForReset === true ? 'hold' : 'touch' });
        try {
          await km.reset();
        } catch (e) {
          if (isCtapError(e) && e.status === 'NOT_ALLOWED')
            throw new StationError('securityKey.resetTooLate');
          throw e;
        }
        this.audit('reset', km);
      },
      { signal },
    );
  }

  private audit(operation: string, km: KeyManager, detail: Record<string, string> = {}): void {
    this.ctx.db.transaction(() => {
      this.ctx.audit.append('securityKey.managed', null, {
        operation,
        aaguid: km.info.aaguid,
        ...detail,
      });
    })();
  }
}

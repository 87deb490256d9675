import { randomBytes } from 'node:crypto';
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from '@simplewebauthn/server';
import {
  CtapPinError,
  createCredential,
  getCredential,
  isCtapError,
  isTransportError,
  openAuthenticator,
  type Ctap2,
  type DeviceTarget,
  type KeepaliveState,
  type PinUvAuthToken,
} from '../../../native/index';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { PeopleService } from '../people';
import type { MethodSummary, PersonId } from '../types';
import { modelName } from './keyModels';
import { PendingEnrollments } from './pending';
import type { MethodRegistry } from './registry';
import {
  checkAttestationFormat,
  checkKeyModel,
  checkNewKeyPin,
  isVirtualKeyAaguid,
} from './securityKeyRules';
import type { IdpService } from '../idp/service';
import type { KeyModelService } from '../keyModels';

/** WebAuthn client origin for credentials made against the provider's options (DESIGN.md §7). */
export const PROVIDER_ORIGIN = 'https://login.microsoftonline.com';

/** The provider's creation options for a linked person, exactly as issued (annotations stripped). */
interface ProviderOptions {
  readonly challenge: string;
  readonly expiresAt: string;
  readonly publicKey: PublicKeyCredentialCreationOptionsJSON;
}

/** How a host opens a key; tests inject the virtual key, the app uses native/. */
export interface SecurityKeyClient {
  open(device: DeviceTarget, opts: { signal?: AbortSignal }): Promise<Ctap2>;
}

export const nativeSecurityKeyClient: SecurityKeyClient = {
  open: (device, opts) => openAuthenticator(device, { signal: opts.signal }),
};

export type KeyEvent = { type: 'touch' } | { type: 'processing' } | { type: 'touched' };

/** The station talks to the person through this ("touch your key"); each host implements it. */
export interface KeyInteraction {
  onEvent(event: KeyEvent): void;
}

export interface SecurityKeyInfo {
  readonly enrollmentId: string;
  readonly aaguid: string;
  readonly model: string;
  readonly isVirtual: boolean;
  readonly firmware: string | null;
  readonly versions: string[];
  readonly pinSet: boolean;
  readonly pinRetries: number | null;
  /**
   * What the PIN page must do: create a PIN, enter the existing one, change it (the key says
   * forcePINChange, CTAP 2.1 §6.4 0x0C), or nothing.
   */
  readonly pinStep: 'set' | 'verify' | 'change' | 'none';
  /** The key refuses tokens until its PIN is changed (getInfo forcePINChange). */
  readonly mustChangePin: boolean;
  readonly pinPolicy: { readonly minLength: number; readonly rejectTrivial: boolean };
}

interface NewCredential {
  readonly id: string;
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: string[];
  readonly fmt: string;
  readonly aaguid: string;
  readonly model: string;
  readonly userHandle: Buffer;
  readonly registrationJson: string;
}

interface KeyState {
  readonly ctap: Ctap2;
  readonly info: SecurityKeyInfo;
  readonly userHandle: Buffer;
  token?: PinUvAuthToken;
  /**
   * The PIN entered in this ceremony, in memory only (never logged or stored), so a retry after
   * a failed touch gets a fresh token: a token is spent or expired by then (CTAP 2.1 §6.5.2.1).
   */
  pin?: string;
  /** The token went into a makeCredential that failed; never send it again. */
  tokenSpent?: boolean;
  credential?: NewCredential;
  /** The operator set this PIN and policy says the person must change it (DESIGN.md §2). */
  forcePinChange?: boolean;
  /** The key refused a token with forcePINChange after begin (getInfo did not say so). */
  mustChangePin?: boolean;
  /** Set for a person linked to the identity provider: the key is made against these. */
  providerOptions?: ProviderOptions;
}

/**
 * Translates what a key or the transport said into a StationError the UI can explain with a
 * next step (DESIGN.md §3.3). Unknown statuses keep their name in params.detail.
 */
export function keyErrorToStation(e: unknown): StationError {
  if (e instanceof StationError) return e;
  // §6.5.5.7: with forcePINChange the key refuses tokens; that is "change the PIN", never a
  // PIN-length problem.
  if (e instanceof CtapPinError && e.mustChangePin)
    return new StationError('securityKey.pinChangeRequired');
  if (e instanceof CtapPinError || isCtapError(e)) {
    switch (e.status) {
      case 'PIN_INVALID':
        return new StationError('securityKey.wrongPin', {
          retriesLeft: e instanceof CtapPinError && e.retries !== undefined ? e.retries : -1,
        });
      case 'PIN_BLOCKED':
        return new StationError('securityKey.pinBlocked');
      case 'PIN_AUTH_BLOCKED':
        return new StationError('securityKey.pinAuthBlocked');
      case 'PIN_NOT_SET':
      case 'PUAT_REQUIRED':
        return new StationError('securityKey.pinRequired');
      case 'PIN_POLICY_VIOLATION':
        // The key's own rules (pinComplexityPolicy, or a minimum set on the key), not ours.
        return new StationError('securityKey.keyPinRules', {});
      case 'UV_BLOCKED':
        return new StationError('securityKey.uvBlocked');
      case 'CREDENTIAL_EXCLUDED':
        return new StationError('securityKey.alreadyRegistered');
      case 'KEY_STORE_FULL':
        return new StationError('securityKey.storageFull');
      case 'USER_ACTION_TIMEOUT':
      case 'ACTION_TIMEOUT':
        return new StationError('securityKey.timeout');
      case 'OPERATION_DENIED':
      case 'KEEPALIVE_CANCEL':
        return new StationError('securityKey.cancelled');
      case 'UNSUPPORTED_OPTION':
      case 'UNSUPPORTED_ALGORITHM':
      case 'INVALID_OPTION':
        return new StationError('securityKey.unsupported', { feature: e.status });
      case 'NO_CREDENTIALS':
        return new StationError('securityKey.testSignInFailed');
      default:
        return new StationError('securityKey.deviceError', { detail: e.status });
    }
  }
  if (isTransportError(e)) {
    switch (e.code) {
      case 'timeout':
        return new StationError('securityKey.timeout');
      case 'cancelled':
        return new StationError('securityKey.cancelled');
      case 'unplugged':
      case 'closed':
      case 'io':
        return new StationError('securityKey.removed');
      default:
        return new StationError('securityKey.deviceError', { detail: e.code });
    }
  }
  return new StationError('securityKey.deviceError', { detail: 'unknown' });
}

/** The key refused a new PIN under its own rules: say which (getInfo 0x0D, 0x1B, 0x1D). */
export function keyPinRulesError(
  info: Pick<Ctap2['info'], 'minPinLength' | 'maxPinLength' | 'pinComplexityPolicy'>,
  policyMin = 4,
): StationError {
  return new StationError('securityKey.keyPinRules', {
    min: Math.max(4, policyMin, info.minPinLength ?? 4),
    max: Math.min(63, info.maxPinLength ?? 63),
    complexity: info.pinComplexityPolicy === true,
  });
}

/** Open failures a person can act on, named as they are (docs/KEYS.md "Troubleshooting"). */
const NAMED_TRANSPORT_FAILURES = new Set([
  'u2f-only',
  'needs-administrator',
  'no-permission',
  'in-use',
]);

/**
 * Like keyErrorToStation, but the open failures with a fix of their own (a U2F-only key,
 * Windows without administrator rights, Linux without the udev rule, another program holding
 * the key) stay transport errors, so the UI names them instead of "not found".
 */
export function keyFailure(e: unknown): Error {
  if (isTransportError(e) && NAMED_TRANSPORT_FAILURES.has(e.code)) return e;
  return keyErrorToStation(e);
}

function keepalive(interaction: KeyInteraction | undefined): (s: KeepaliveState) => void {
  return (s) =>
    interaction?.onEvent(s === 'up-needed' ? { type: 'touch' } : { type: 'processing' });
}

/**
 * Security key registration (DESIGN.md §3.3, §4): open → PIN (set or verify, per PinPolicy) →
 * makeCredential with the policy's rp, rk and uv, excluding the person's existing keys →
 * attestation verified with @simplewebauthn/server, AAGUID allow-list, virtual key refused in
 * production → test sign-in (getAssertion, verified) → stored in one transaction.
 */
export class SecurityKeyEnrollment {
  private readonly pending: PendingEnrollments<KeyState>;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    private readonly client: SecurityKeyClient,
    private readonly idp?: IdpService,
    private readonly models?: KeyModelService,
  ) {
    this.pending = new PendingEnrollments<KeyState>(ctx, (state) => {
      void state.ctap.close().catch(() => undefined);
    });
  }

  private origin(s?: KeyState): string {
    return s?.providerOptions ? PROVIDER_ORIGIN : `https://${this.ctx.policy().securityKey.rpId}`;
  }

  private rpId(s: KeyState): string {
    return s.providerOptions?.publicKey.rp.id ?? this.ctx.policy().securityKey.rpId;
  }

  /** The provider's options for a linked person (online: fetched now; offline: imported earlier). */
  private async providerOptionsFor(
    personId: PersonId,
    fresh = false,
  ): Promise<ProviderOptions | undefined> {
    if (!this.idp?.linkedProviderId(personId)) return undefined;
    const o = await this.idp.creationOptionsFor(personId, { fresh });
    return {
      challenge: o.challenge,
      expiresAt: o.expiresAt,
      publicKey: o.publicKey as unknown as PublicKeyCredentialCreationOptionsJSON,
    };
  }

  /**
   * A key already registered to this person is recognised before any touch: a silent
   * getAssertion (up=false, CTAP 2.1 §6.2) per chunk of the exclude list finds it without asking
   * for presence (credentials with credProtect 3 stay invisible; makeCredential still excludes them).
   */
  private async assertNotExcluded(
    s: KeyState,
    rpId: string,
    exclude: readonly { id: string }[],
    signal?: AbortSignal,
  ): Promise<void> {
    const ids = exclude
      .map((c) => Buffer.from(c.id, 'base64url'))
      .filter((id) => id.length > 0 && id.length <= (s.ctap.info.maxCredentialIdLength ?? 1024));
    const max = s.ctap.info.maxCredentialCountInList ?? 1;
    for (let i = 0; i < ids.length; i += max) {
      try {
        await s.ctap.getAssertion(
          {
            rpId,
            clientDataHash: new Uint8Array(32),
            allowList: ids.slice(i, i + max).map((id) => ({
              type: 'public-key' as const,
              id: new Uint8Array(id),
            })),
            userPresence: false,
          },
          { signal },
        );
      } catch (e) {
        if (isCtapError(e, 'NO_CREDENTIALS')) continue;
        throw keyErrorToStation(e);
      }
      throw new StationError('securityKey.alreadyRegistered');
    }
  }

  /** "Get a new challenge": fresh options from the provider for this enrollment (online only). */
  async refreshProviderOptions(enrollmentId: string): Promise<{ expiresAt: string }> {
    const item = this.pending.get(enrollmentId);
    const o = await this.providerOptionsFor(item.personId, true);
    if (!o) throw new StationError('idp.personNotLinked');
    item.state.providerOptions = o;
    return { expiresAt: o.expiresAt };
  }

  private checkModel(aaguid: string): void {
    checkKeyModel(
      this.ctx.policy().securityKey,
      this.ctx.mode,
      aaguid,
      this.models?.importedCatalog() ?? null,
    );
  }

  private modelName(aaguid: string): string {
    return this.models?.importedName(aaguid) ?? modelName(aaguid);
  }

  async begin(
    personId: PersonId,
    device: DeviceTarget,
    opts: { signal?: AbortSignal } = {},
  ): Promise<SecurityKeyInfo> {
    this.people.get(personId);
    this.methods.assertCanAdd(personId, 'securityKey');
    const policy = this.ctx.policy();
    const providerOptions = await this.providerOptionsFor(personId);
    let ctap: Ctap2;
    try {
      ctap = await this.client.open(device, opts);
    } catch (e) {
      throw isTransportError(e) && e.code === 'io'
        ? new StationError('securityKey.notFound')
        : keyFailure(e);
    }
    try {
      const info = ctap.info;
      const aaguid = info.aaguid.toLowerCase();
      this.checkModel(aaguid);
      const rk = info.options.rk === true;
      const clientPin = info.options.clientPin;
      const builtInUv = info.options.uv === true;
      if (policy.securityKey.residentKeyRequired && !rk) {
        throw new StationError('securityKey.unsupported', { feature: 'residentKey' });
      }
      if (policy.securityKey.userVerificationRequired && clientPin === undefined && !builtInUv) {
        throw new StationError('securityKey.unsupported', { feature: 'userVerification' });
      }
      const pinSet = clientPin === true;
      let pinRetries: number | null = null;
      if (pinSet) {
        pinRetries = (await ctap.clientPin.getRetries()).retries;
        if (pinRetries === 0) throw new StationError('securityKey.pinBlocked');
      }
      const mustChangePin = pinSet && info.forcePinChange === true;
      const pinStep: SecurityKeyInfo['pinStep'] = pinSet
        ? mustChangePin
          ? 'change'
          : 'verify'
        : policy.securityKey.userVerificationRequired && clientPin === false
          ? 'set'
          : 'none';
      const userHandle = providerOptions
        ? Buffer.from(providerOptions.publicKey.user.id, 'base64url')
        : (this.methods.repo.keyUserHandle(personId) ?? randomBytes(16));
      const partial = {
        aaguid,
        model: this.modelName(aaguid),
        isVirtual: isVirtualKeyAaguid(aaguid),
        firmware: info.firmwareVersion === undefined ? null : String(info.firmwareVersion),
        versions: [...info.versions],
        pinSet,
        pinRetries,
        pinStep,
        mustChangePin,
        pinPolicy: {
          minLength: Math.max(policy.pin.minLength, info.minPinLength ?? 4),
          rejectTrivial: policy.pin.rejectTrivial,
        },
      };
      const state: KeyState = {
        ctap,
        userHandle,
        info: { ...partial, enrollmentId: '' },
        providerOptions,
      };
      const { id } = this.pending.create(personId, 'securityKey', state);
      (state as { info: SecurityKeyInfo }).info = { ...partial, enrollmentId: id };
      return state.info;
    } catch (e) {
      await ctap.close().catch(() => undefined);
      throw keyErrorToStation(e);
    }
  }

  /** Creates the key's PIN (the key has none yet) under the organization's PIN rules. */
  async setPin(enrollmentId: string, pin: string, confirmation: string): Promise<void> {
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    if (s.info.pinStep !== 'set' || s.token)
      throw new StationError('input.invalid', { field: 'pinStep' });
    checkNewKeyPin(pin, this.ctx.policy().pin, s.ctap.info.minPinLength);
    if (pin !== confirmation) throw new StationError('pin.mismatch');
    try {
      await s.ctap.clientPin.setPin(pin).catch((e: unknown) => {
        throw isCtapError(e) && e.status === 'PIN_POLICY_VIOLATION'
          ? keyPinRulesError(s.ctap.info, this.ctx.policy().pin.minLength)
          : e;
      });
      // One token for the whole ceremony, with 'acfg' too when the key must be told to force a
      // PIN change (a second getPinToken would invalidate the first, CTAP 2.1 §6.5.5.7).
      const force =
        this.ctx.policy().pin.forceChangeWhenOperatorSet &&
        this.ctx.session.actor.kind === 'operator' &&
        s.ctap.info.options.setMinPINLength === true;
      s.token = await s.ctap.clientPin.getPinToken(pin, {
        permissions: force ? ['mc', 'ga', 'acfg'] : ['mc', 'ga'],
        rpId: this.rpId(s),
      });
      s.pin = pin;
      if (force) {
        // Told now, while the token is fresh (makeCredential clears a token's other
        // permissions); the token already issued stays valid for this ceremony.
        await s.ctap.config(s.token).setMinPinLength({ forceChangePin: true });
        s.forcePinChange = true;
      }
    } catch (e) {
      throw keyErrorToStation(e);
    }
  }

  /** Enters the key's existing PIN; a wrong PIN reports the tries left. */
  async verifyPin(enrollmentId: string, pin: string): Promise<void> {
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    if (s.info.pinStep !== 'verify') throw new StationError('input.invalid', { field: 'pinStep' });
    if (typeof pin !== 'string' || pin.length === 0 || Buffer.byteLength(pin) > 63) {
      throw new StationError('pin.tooShort', { min: 4 });
    }
    try {
      s.token = await s.ctap.clientPin.getPinToken(pin, {
        permissions: ['mc', 'ga'],
        rpId: this.rpId(s),
      });
      s.pin = pin;
    } catch (e) {
      // A key that only says forcePINChange when asked for a token: the PIN page turns into
      // the change-PIN page (changePin accepts this enrollment from now on).
      if (e instanceof CtapPinError && e.mustChangePin) s.mustChangePin = true;
      throw keyErrorToStation(e);
    }
  }

  /**
   * Changes the key's PIN when the key demands it (getInfo forcePINChange, CTAP 2.1 §6.5.5.6
   * changePIN; DESIGN.md §2 "force the person to change a PIN the operator set"). The new PIN follows
   * the organization's rules and the key's minPINLength and must differ from the current one;
   * all of that is checked before anything reaches the key. A wrong current PIN reports the
   * tries left. Then the ceremony's token is taken with the new PIN. Audited, never the PIN.
   */
  async changePin(
    enrollmentId: string,
    currentPin: string,
    newPin: string,
    confirmation: string,
  ): Promise<void> {
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    if (s.token || (s.info.pinStep !== 'change' && s.mustChangePin !== true))
      throw new StationError('input.invalid', { field: 'pinStep' });
    if (
      typeof currentPin !== 'string' ||
      currentPin.length === 0 ||
      Buffer.byteLength(currentPin) > 63
    ) {
      throw new StationError('input.invalid', { field: 'currentPin' });
    }
    const policy = this.ctx.policy();
    const keyMin = s.ctap.info.minPinLength ?? 4;
    checkNewKeyPin(newPin, policy.pin, keyMin);
    // The key compares NFC forms (§6.5.1), so "the same PIN" is decided on them too.
    if (newPin.normalize('NFC') === currentPin.normalize('NFC'))
      throw new StationError('pin.sameAsCurrent');
    if (newPin !== confirmation) throw new StationError('pin.mismatch');
    try {
      await s.ctap.clientPin.changePin(currentPin, newPin);
    } catch (e) {
      // On changePIN this status is the key's own new-PIN rule (§6.5.5.6), not forcePINChange.
      if (isCtapError(e) && e.status === 'PIN_POLICY_VIOLATION')
        throw keyPinRulesError(s.ctap.info, policy.pin.minLength);
      throw keyErrorToStation(e);
    }
    s.mustChangePin = false;
    this.ctx.db.transaction(() => {
      this.ctx.audit.append('securityKey.pinChanged', item.personId, {
        aaguid: s.info.aaguid,
        reason: 'forcePinChange',
      });
    })();
    try {
      s.token = await s.ctap.clientPin.getPinToken(newPin, {
        permissions: ['mc', 'ga'],
        rpId: this.rpId(s),
      });
      s.pin = newPin;
    } catch (e) {
      throw keyErrorToStation(e);
    }
  }

  /** A token that was never sent in a failed makeCredential (a fresh one from the PIN if need be). */
  private async freshToken(s: KeyState, signal?: AbortSignal): Promise<void> {
    if (!s.tokenSpent || s.pin === undefined) return;
    try {
      s.token = await s.ctap.clientPin.getPinToken(
        s.pin,
        { permissions: ['mc', 'ga'], rpId: this.rpId(s) },
        { signal },
      );
      s.tokenSpent = false;
    } catch (e) {
      throw keyErrorToStation(e);
    }
  }

  /** makeCredential ("touch your security key") and the attestation checks; nothing stored yet. */
  async register(
    enrollmentId: string,
    opts: { interaction?: KeyInteraction; signal?: AbortSignal } = {},
  ): Promise<{ aaguid: string; model: string; attestationFormat: string }> {
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    if (s.info.pinStep !== 'none' && !s.token) throw new StationError('securityKey.pinRequired');
    const policy = this.ctx.policy();
    const person = this.people.get(item.personId);
    let options: PublicKeyCredentialCreationOptionsJSON;
    if (s.providerOptions) {
      // Exactly as the provider issued them; an expired challenge is refused before any touch.
      this.idp?.assertChallengeValid(s.providerOptions.challenge, s.providerOptions.expiresAt);
      options = s.providerOptions.publicKey;
    } else {
      const exclude = this.methods.repo.keyCredentialIds(item.personId);
      options = {
        challenge: randomBytes(32).toString('base64url'),
        rp: { id: policy.securityKey.rpId, name: policy.securityKey.rpName },
        user: {
          id: s.userHandle.toString('base64url'),
          name: person.upn,
          displayName: person.displayName,
        },
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -8 },
        ],
        excludeCredentials: exclude.map((id) => ({
          type: 'public-key',
          id: id.toString('base64url'),
        })),
        authenticatorSelection: {
          residentKey: policy.securityKey.residentKeyRequired ? 'required' : 'discouraged',
          userVerification: policy.securityKey.userVerificationRequired
            ? 'required'
            : 'discouraged',
        },
        attestation: 'direct',
        timeout: 60_000,
      };
    }
    const challenge = options.challenge;
    const rpId = options.rp.id ?? policy.securityKey.rpId;
    // A key already registered to this person is recognised before any touch: a silent
    // getAssertion (up=false) with the exclude list finds it without asking for presence.
    await this.assertNotExcluded(s, rpId, options.excludeCredentials ?? [], opts.signal);
    let response;
    await this.freshToken(s, opts.signal);
    try {
      response = await createCredential(s.ctap, options, {
        origin: this.origin(s),
        crossOrigin: false,
        pinUvAuthToken: s.token,
        signal: opts.signal,
        onKeepalive: keepalive(opts.interaction),
      });
    } catch (e) {
      // Timed out, refused, cancelled: the next try takes a new token (this one may be spent).
      if (s.token) s.tokenSpent = true;
      throw keyErrorToStation(e);
    }
    opts.interaction?.onEvent({ type: 'touched' });
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.origin(s),
        expectedRPID: rpId,
        requireUserVerification: s.providerOptions
          ? options.authenticatorSelection?.userVerification === 'required'
          : policy.securityKey.userVerificationRequired,
      });
    } catch {
      throw new StationError('securityKey.attestationInvalid');
    }
    if (!verified.verified) throw new StationError('securityKey.attestationInvalid');
    const r = verified.registrationInfo;
    const aaguid = r.aaguid.toLowerCase();
    // The attested AAGUID is what counts (getInfo could be spoofed by a hostile device).
    this.checkModel(aaguid);
    checkAttestationFormat(policy.securityKey, r.fmt);
    s.credential = {
      id: r.credential.id,
      publicKey: r.credential.publicKey,
      counter: r.credential.counter,
      transports: response.response.transports ?? ['usb'],
      fmt: r.fmt,
      aaguid,
      model: this.modelName(aaguid),
      userHandle: s.userHandle,
      registrationJson: JSON.stringify(response),
    };
    return { aaguid, model: s.credential.model, attestationFormat: r.fmt };
  }

  /**
   * Names the key, runs the test sign-in (getAssertion with the new credential, touch again,
   * signature verified) and stores the method and credential in one transaction.
   */
  async complete(
    enrollmentId: string,
    opts: { name: string; interaction?: KeyInteraction; signal?: AbortSignal },
  ): Promise<MethodSummary> {
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    const cred = s.credential;
    if (!cred) throw new StationError('enrollment.notFound');
    const policy = this.ctx.policy();
    const name = typeof opts.name === 'string' ? opts.name.normalize('NFC').trim() : '';
    if (
      name.length === 0 ||
      [...name].length > policy.securityKey.maxNameLength ||
      /\p{Cc}/u.test(name)
    ) {
      throw new StationError('securityKey.nameInvalid', { max: policy.securityKey.maxNameLength });
    }
    const challenge = randomBytes(32).toString('base64url');
    let assertion;
    try {
      assertion = await getCredential(
        s.ctap,
        {
          challenge,
          rpId: this.rpId(s),
          allowCredentials: [{ type: 'public-key', id: cred.id }],
          userVerification: 'discouraged',
          timeout: 60_000,
        },
        { origin: this.origin(s), signal: opts.signal, onKeepalive: keepalive(opts.interaction) },
      );
    } catch (e) {
      const err = keyErrorToStation(e);
      throw err.code === 'securityKey.deviceError'
        ? new StationError('securityKey.testSignInFailed')
        : err;
    }
    opts.interaction?.onEvent({ type: 'touched' });
    let counter = cred.counter;
    try {
      const v = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: challenge,
        expectedOrigin: this.origin(s),
        expectedRPID: this.rpId(s),
        credential: {
          id: cred.id,
          publicKey: new Uint8Array(cred.publicKey),
          counter: cred.counter,
        },
        requireUserVerification: false,
      });
      if (!v.verified) throw new Error('not verified');
      counter = v.authenticationInfo.newCounter;
    } catch {
      throw new StationError('securityKey.testSignInFailed');
    }
    const now = this.ctx.clock().toISOString();
    const methodId = this.ctx.db.transaction(() => {
      const id = this.methods.insert(
        item.personId,
        { kind: 'securityKey', label: name, detail: cred.model, data: { aaguid: cred.aaguid } },
        {
          aaguid: cred.aaguid,
          model: cred.model,
          attestationFormat: cred.fmt,
          mustChangeOnFirstUse: s.forcePinChange === true,
        },
      );
      this.methods.repo.insertKeyCredential(id, {
        credentialId: Buffer.from(cred.id, 'base64url'),
        publicKey: Buffer.from(cred.publicKey),
        aaguid: cred.aaguid,
        modelName: cred.model,
        signCount: counter,
        transports: cred.transports,
        attestationFormat: cred.fmt,
        rpId: this.rpId(s),
        userHandle: cred.userHandle,
        registrationJson: cred.registrationJson,
      });
      if (s.providerOptions && this.idp) {
        // The exact registration request for the provider, in this same transaction.
        const reg = JSON.parse(cred.registrationJson) as {
          id: string;
          response: { clientDataJSON: string; attestationObject: string };
          clientExtensionResults?: unknown;
        };
        this.idp.enqueueFido2(item.personId, id, s.providerOptions.challenge, name, {
          id: reg.id,
          clientDataJSON: reg.response.clientDataJSON,
          attestationObject: reg.response.attestationObject,
          clientExtensionResults: reg.clientExtensionResults ?? {},
        });
      }
      // The test sign-in was its first use.
      this.methods.repo.markUsed(id, now);

      return id;
    })();
    this.pending.delete(enrollmentId);
    await s.ctap.close().catch(() => undefined);
    // Online, the registration goes to the provider now (the outbox keeps it if not).
    if (s.providerOptions) this.idp?.kick();
    return this.methods.get(item.personId, methodId);
  }

  /** Closes every key still open by an unfinished enrollment. */
  cancelAll(): void {
    this.pending.clear();
  }

  async cancel(enrollmentId: string): Promise<void> {
    const item = this.pending.cancel(enrollmentId);
    if (item) await item.state.ctap.close().catch(() => undefined);
  }
}

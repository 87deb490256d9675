/**
 * Provisioning keys for others (docs/PROVISIONING.md): a durable job of people with the
 * provider's creation options, worked by any number of keys at once. Each key takes the next
 * queued person (atomically, in the registry), and per person: optional reset (only when the
 * operator confirmed it), a random policy PIN, makeCredential exactly against the person's
 * options, a local check of the registration and a test assertion, setMinPINLength and
 * forcePINChange where the key has authenticatorConfig, the key's AAGUID / model / firmware /
 * serial recorded, and the PIN handed to the slip sink. A key pulled mid-way fails that person's
 * attempt cleanly and puts them back in the queue. A crash leaves at most the people keys were
 * working on unfinished; `resume` puts them back (docs/PROVISIONING.md "Resuming").
 *
 * Each key's work is its own async chain: the keys' waiting (touch, signing on the key's chip)
 * overlaps, and nothing here holds a lock across a key operation.
 */
import { randomBytes } from 'node:crypto';
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from '@simplewebauthn/server';
import {
  KeyManager,
  createCredential,
  getCredential,
  isCtapError,
  isTransportError,
  toBase64Url,
  type Ctap2,
  type KeepaliveState,
} from '../../../native/index';
import type {
  KeyDetails,
  ProvisioningPersonRow,
  ProvisioningRepository,
} from '../../db/repositories/provisioning';
import { isTrivialPin } from '../../../domain/pin';
import { randomPin } from './pin';
import type { PinSlip } from './slips';
import { ENTRA_ORIGIN } from './options';
import { StationError } from '../errors';

export interface ProvisioningSettings {
  /** Length of the random PIN; also the key's new minimum PIN length when `setMinPinLength`. */
  readonly pinLength: number;
  readonly setMinPinLength: boolean;
  readonly forcePinChange: boolean;
  /** The operator confirmed that keys may be reset (everything on them is erased). */
  readonly resetConfirmed: boolean;
  /** WebAuthn origin of the provider's sign-in page. */
  readonly origin?: string;
  /** The operator types each PIN instead (`--pin prompt`); refused PINs fail that person. */
  readonly choosePin?: (upn: string) => Promise<string>;
}

export type ProvisioningStep =
  | 'waiting'
  | 'inspect'
  | 'reset'
  | 'pin'
  | 'register'
  | 'test'
  | 'config'
  | 'slip'
  | 'done'
  | 'failed'
  | 'requeued'
  | 'idle';

/** One change on the live board: one row per key. */
export interface BoardEvent {
  readonly slot: string;
  readonly step: ProvisioningStep;
  readonly upn?: string;
  readonly displayName?: string;
  /** The key is waiting for a touch. */
  readonly touch?: boolean;
  /** A reason code (docs/PROVISIONING.md "Reasons"); never a PIN. */
  readonly reason?: string;
  readonly model?: string;
}

/** What a finished person's key ended with (report / registry). */
export interface ProvisionedKey {
  readonly row: ProvisioningPersonRow;
  readonly key: KeyDetails;
  /** 'set' = min length and force-change applied; 'unsupported' = no authenticatorConfig. */
  readonly keyConfig: 'set' | 'unsupported' | 'skipped';
  /** The provider's request body (displayName, publicKeyCredential). */
  readonly body: Fido2RegistrationBody;
  /** What the registry keeps of the credential (public data only). */
  readonly credential: {
    readonly publicKey: Uint8Array;
    readonly counter: number;
    readonly fmt: string;
    readonly userHandle: string;
    readonly rpId: string;
    readonly registrationJson: string;
  };
}

export interface Fido2RegistrationBody {
  readonly displayName: string;
  readonly publicKeyCredential: {
    readonly id: string;
    readonly response: { readonly clientDataJSON: string; readonly attestationObject: string };
    readonly clientExtensionResults: Record<string, unknown>;
  };
}

export interface ProvisioningHooks {
  onEvent?(e: BoardEvent): void;
  /**
   * Takes the PIN slip of a finished person. It must keep the PIN (memory, or the operator's own
   * output file) before it returns: the person is marked done right after.
   */
  deliverSlip(slip: PinSlip): Promise<void>;
  /** Runs inside the transaction that marks the person done (registry method, outbox item). */
  commit?(done: ProvisionedKey): void;
  /** Now (injected clock). */
  now?(): Date;
  /**
   * The station's key model rule (methods/securityKeyRules.ts), on the key's getInfo AAGUID
   * before anything is sent to it and on the attested AAGUID after makeCredential: throws the
   * StationError a person's key would get (a model the imported FIDO metadata flags, …).
   */
  checkModel?(aaguid: string): void;
}

/** A failure that belongs to the key (not the person): the person goes back to the queue. */
class KeyProblem extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A failure that belongs to the person's options: retrying on another key won't help. */
class PersonProblem extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const MAX_ATTEMPTS = 3;

/**
 * A station error as a reason (docs/PROVISIONING.md "Reasons"): `station:<code>`, its params as a
 * query string (`station:securityKey.modelCompromised?model=…&status=REVOKED`), so the board
 * shows the very message a person's key would get.
 */
export function stationReason(e: StationError): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(e.params))
    if (v !== undefined && v !== null) params.set(k, String(v));
  const query = params.toString();
  return `station:${e.code}${query ? `?${query}` : ''}`;
}

function reasonOf(e: unknown): string {
  if (e instanceof KeyProblem || e instanceof PersonProblem) return e.reason;
  // Over USB a pulled key is 'unplugged'; over UDP (virtual keys) it just stops answering.
  if (isTransportError(e))
    return e.code === 'unplugged'
      ? 'keyRemoved'
      : e.code === 'timeout'
        ? 'keyNotAnswering'
        : `transport:${e.code}`;
  if (isCtapError(e)) return `ctap:${e.status}`;
  return 'unexpected';
}

export class ProvisioningRun {
  private readonly origin: string;
  private stopped = false;

  constructor(
    private readonly repo: ProvisioningRepository,
    readonly jobId: string,
    private readonly settings: ProvisioningSettings,
    private readonly hooks: ProvisioningHooks,
  ) {
    this.origin = settings.origin ?? ENTRA_ORIGIN;
  }

  private now(): string {
    return (this.hooks.now?.() ?? new Date()).toISOString();
  }

  private emit(e: BoardEvent): void {
    this.hooks.onEvent?.(e);
  }

  private waiters: (() => void)[] = [];

  /** Resolves at the next person finished, failed or requeued by any key (or at `signal`). */
  private settled(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** No new person is taken after this; keys finish the person they hold. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /**
   * After a crash: people a key was working on go back to the queue, except those whose slip
   * already exists (`slipped`: credential ids found in the slips output), which are done.
   */
  resume(slipped: ReadonlySet<string> = new Set()): { requeued: number; completed: number } {
    let requeued = 0;
    let completed = 0;
    for (const row of this.repo.unfinished(this.jobId)) {
      if (row.state === 'registered' && row.credential_id && slipped.has(row.credential_id)) {
        this.repo.markDone(row.id, row.key_config ?? 'set', this.now());
        completed++;
      } else {
        this.repo.requeue(row.id, 'interrupted', this.now());
        requeued++;
      }
    }
    return { requeued, completed };
  }

  /** Anything left for a key to do. */
  hasQueued(): boolean {
    return this.repo.counts(this.jobId).queued > 0;
  }

  /**
   * One key position (a hub port, a UDP key): open the key, take the next person, provision,
   * repeat while people are queued and the key can be reset for the next. Returns when the
   * queue is empty, the key is gone, or the key can't be used.
   */
  async runKey(
    slot: string,
    open: (onKeepalive: (s: KeepaliveState) => void) => Promise<Ctap2>,
    opts: { signal?: AbortSignal; once?: boolean } = {},
  ): Promise<{ provisioned: number; reason?: string }> {
    let provisioned = 0;
    for (;;) {
      if (this.stopped || opts.signal?.aborted) {
        this.emit({ slot, step: 'idle' });
        return { provisioned };
      }
      if (!this.hasQueued()) {
        // Another key may still fail its person back into the queue: wait for it to settle.
        const c = this.repo.counts(this.jobId);
        if (c.active + c.registered === 0) {
          this.emit({ slot, step: 'idle' });
          return { provisioned };
        }
        await this.settled(opts.signal);
        continue;
      }
      let touch = false;
      const onKeepalive = (s: KeepaliveState) => {
        const t = s === 'up-needed';
        if (t !== touch) {
          touch = t;
          this.emit({ slot, step: current, touch: t, ...who });
        }
      };
      let current: ProvisioningStep = 'inspect';
      let who: { upn?: string; displayName?: string } = {};
      const step = (s: ProvisioningStep) => {
        current = s;
        touch = false;
        this.emit({ slot, step: s, ...who });
      };
      let ctap: Ctap2;
      try {
        ctap = await open(onKeepalive);
      } catch (e) {
        const reason = reasonOf(e);
        this.emit({ slot, step: 'failed', reason });
        return { provisioned, reason };
      }
      let row: ProvisioningPersonRow | undefined;
      try {
        step('inspect');
        await this.prepareKey(ctap, slot, step, onKeepalive);
        row = this.repo.claimNext(this.jobId, slot, this.now());
        if (!row) {
          this.emit({ slot, step: 'idle' });
          return { provisioned };
        }
        who = { upn: row.upn, displayName: row.display_name };
        await this.provision(ctap, row, step, opts.signal, onKeepalive);
        provisioned++;
        step('done');
        this.wake();
      } catch (e) {
        const reason = reasonOf(e);
        if (row) {
          if (e instanceof PersonProblem || row.attempts >= MAX_ATTEMPTS) {
            this.repo.fail(row.id, reason, this.now());
            this.emit({ slot, step: 'failed', reason, ...who });
          } else {
            this.repo.requeue(row.id, reason, this.now());
            this.emit({ slot, step: 'requeued', reason, ...who });
          }
        } else this.emit({ slot, step: 'failed', reason });
        this.wake();
        // A person's own problem leaves the key usable; anything else ends this key position.
        if (!(e instanceof PersonProblem)) {
          await ctap.close().catch(() => undefined);
          return { provisioned, reason };
        }
      }
      await ctap.close().catch(() => undefined);
      if (opts.once) return { provisioned };
    }
  }

  /**
   * A key must be blank to take a person: no PIN, nothing for the provider's RP. A used key is
   * reset only when the operator confirmed it. A key a crashed or interrupted attempt left a
   * credential on is recognised by that credential (a silent discoverable assertion: the
   * provider's credProtect level 1 lets the key list it without the PIN, which is gone).
   */
  private async prepareKey(
    ctap: Ctap2,
    slot: string,
    step: (s: ProvisioningStep) => void,
    onKeepalive?: (s: KeepaliveState) => void,
  ): Promise<void> {
    const info = await ctap.getInfo();
    this.checkModel(info.aaguid);
    if (info.options.clientPin === undefined) throw new KeyProblem('keyWithoutPin');
    const used = info.options.clientPin === true || (await this.holdsJobCredential(ctap));
    if (!used) return;
    if (!this.settings.resetConfirmed) throw new KeyProblem('keyNotBlank');
    step('reset');
    try {
      await ctap.reset({ onKeepalive });
    } catch (e) {
      // Most keys reset only within seconds of power-up: the operator re-inserts the key.
      if (isCtapError(e, 'NOT_ALLOWED')) throw new KeyProblem('reinsertToReset');
      throw e;
    }
    await ctap.getInfo();
    void slot;
  }

  /** The station's model rule (hooks.checkModel); a refused model is the key's problem. */
  private checkModel(aaguid: string): void {
    try {
      this.hooks.checkModel?.(aaguid);
    } catch (e) {
      if (e instanceof StationError) throw new KeyProblem(stationReason(e));
      throw e;
    }
  }

  private rpIds: Set<string> | null = null;

  private async holdsJobCredential(ctap: Ctap2): Promise<boolean> {
    this.rpIds ??= new Set(
      this.repo
        .people(this.jobId)
        .map((p) => (JSON.parse(p.options) as { rp?: { id?: string } }).rp?.id)
        .filter((x): x is string => typeof x === 'string'),
    );
    for (const rpId of this.rpIds) {
      try {
        await ctap.getAssertion({
          rpId,
          clientDataHash: new Uint8Array(32),
          userPresence: false,
        });
        return true;
      } catch (e) {
        if (isCtapError(e, 'NO_CREDENTIALS')) continue;
        if (isCtapError(e)) return true; // the key has something it won't show without UV
        throw e;
      }
    }
    return false;
  }

  private async provision(
    ctap: Ctap2,
    row: ProvisioningPersonRow,
    step: (s: ProvisioningStep) => void,
    signal?: AbortSignal,
    // The key's KEEPALIVE: "touch the key" on the board (each command carries it).
    onKeepalive?: (s: KeepaliveState) => void,
  ): Promise<void> {
    if (Date.parse(row.expires_at) <= Date.parse(this.now()))
      throw new PersonProblem('challengeExpired');
    const options = JSON.parse(row.options) as PublicKeyCredentialCreationOptionsJSON;
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    // CTAP 2.0 keys don't list their algorithms (getInfo 0x0A is 2.1): every one does ES256.
    const listed = ctap.info.algorithms?.map((a) => a.alg) ?? [];
    const algs = new Set(listed.length ? listed : [-7]);
    if (!options.pubKeyCredParams.some((p) => algs.has(p.alg)))
      throw new KeyProblem('noCommonAlgorithm');

    step('pin');
    const pinLength = Math.max(this.settings.pinLength, ctap.info.minPinLength, 4);
    let pin: string;
    if (this.settings.choosePin) {
      try {
        pin = await this.settings.choosePin(row.upn);
      } catch {
        throw new PersonProblem('pinRefused');
      }
      if ([...pin].length < pinLength || isTrivialPin(pin)) throw new PersonProblem('pinRefused');
    } else pin = randomPin(pinLength);
    await ctap.clientPin.setPin(pin, { signal });
    await ctap.getInfo();

    step('register');
    const reg = await createCredential(ctap, options, {
      origin: this.origin,
      pin,
      signal,
      onKeepalive,
    });
    const key = keyDetails(ctap);
    const displayName = `${key.serial ? `Serial: ${key.serial}` : key.model} ${this.now().slice(0, 10)}`;
    const body: Fido2RegistrationBody = {
      displayName,
      publicKeyCredential: {
        id: reg.id,
        response: {
          clientDataJSON: reg.response.clientDataJSON,
          attestationObject: reg.response.attestationObject,
        },
        clientExtensionResults: reg.clientExtensionResults as Record<string, unknown>,
      },
    };
    this.repo.markRegistered(row.id, reg.id, JSON.stringify(body), key, this.now());

    // The provider will check exactly this; a mismatch is found here, not after posting.
    let publicKey: Uint8Array<ArrayBuffer>;
    let counter: number;
    let fmt: string;
    let aaguid: string;
    try {
      const v = await verifyRegistrationResponse({
        response: reg,
        expectedChallenge: row.challenge,
        expectedOrigin: this.origin,
        expectedRPID: rpId,
        requireUserVerification: true,
      });
      if (!v.verified) throw new Error('not verified');
      aaguid = v.registrationInfo.aaguid;
      publicKey = v.registrationInfo.credential.publicKey;
      counter = v.registrationInfo.credential.counter;
      fmt = v.registrationInfo.fmt;
    } catch {
      throw new KeyProblem('registrationInvalid');
    }
    // The attested model passes the same rule (getInfo could be spoofed by a hostile device).
    this.checkModel(aaguid);

    step('test');
    const challenge = toBase64Url(randomBytes(32));
    const assertion = await getCredential(
      ctap,
      {
        challenge,
        rpId,
        allowCredentials: [{ id: reg.id, type: 'public-key' }],
        userVerification: 'required',
      },
      { origin: this.origin, pin, signal, onKeepalive },
    );
    try {
      const v = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: rpId,
        credential: { id: reg.id, publicKey, counter },
        requireUserVerification: true,
      });
      if (!v.verified) throw new Error('not verified');
    } catch {
      throw new KeyProblem('testAssertionFailed');
    }

    step('config');
    let keyConfig: ProvisionedKey['keyConfig'] = 'skipped';
    if (this.settings.setMinPinLength || this.settings.forcePinChange) {
      if (ctap.info.options.authnrCfg === true) {
        const manager = new KeyManager(ctap, { pin: () => Promise.resolve(pin), signal });
        if (this.settings.setMinPinLength)
          await manager.setMinPinLength(Math.max(pinLength, ctap.info.minPinLength));
        // Last: after it the key refuses PIN tokens until the person changes the PIN.
        if (this.settings.forcePinChange) await manager.forcePinChange();
        keyConfig = 'set';
      } else keyConfig = 'unsupported';
    }

    step('slip');
    await this.hooks.deliverSlip({
      displayName: row.display_name,
      upn: row.upn,
      model: key.model,
      serial: key.serial,
      pin,
      credentialId: reg.id,
    });
    const done: ProvisionedKey = {
      row: { ...row, state: 'registered', credential_id: reg.id },
      key,
      keyConfig,
      body,
      credential: {
        publicKey,
        counter,
        fmt,
        userHandle: options.user.id,
        rpId,
        registrationJson: JSON.stringify(reg),
      },
    };
    if (!this.repo.markDone(row.id, keyConfig, this.now(), () => this.hooks.commit?.(done)))
      throw new Error('person no longer active');
  }
}

function keyDetails(ctap: Ctap2): KeyDetails {
  const manager = new KeyManager(ctap);
  const d = manager.describe();
  return {
    aaguid: d.aaguid,
    model: d.model,
    firmware: d.firmware.display,
    serial: ctap.device.connection.descriptor.serialNumber ?? null,
  };
}

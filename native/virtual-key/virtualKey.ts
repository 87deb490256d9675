/** Public facade of the virtual key: device lifecycle, test controls, connections. */
import { EventEmitter } from 'node:events';
import { TransportError } from '../errors';
import type { HidConnection, HidDeviceDescriptor } from '../hid/connection';
import {
  attestationRootPem,
  generateAttestationIdentity,
  testAttestationIdentity,
  type AttestationIdentity,
} from './attestation';
import { Authenticator, type PresenceOutcome } from './authenticator';
import { VirtualKeyConnection, type ConnectionOwner } from './connection';
import { DelayLine } from './delayLine';
import { CtapHidEngine, KeepaliveStatus, type HidPort } from './ctaphid';
import { VIRTUAL_KEY_MODEL_NAME } from './identity';
import { PROFILES, type KeyProfile } from './profiles';
import type {
  FaultInjection,
  FingerSample,
  ReplyRouting,
  TouchMode,
  VirtualKeyEvents,
  VirtualKeyOptions,
} from './options';
import { makeRandom, type RandomSource } from './rng';
import {
  MAX_PIN_RETRIES,
  isState,
  loadStateFile,
  saveStateFile,
  type VirtualKeyState,
} from './state';

let instanceCounter = 0;

/** USB VID/PID from pid.codes' test range: clearly not a real vendor's key. */
export const VIRTUAL_KEY_VENDOR_ID = 0x1209;
export const VIRTUAL_KEY_PRODUCT_ID = 0x000a;

/** See `VirtualKey.summary`. */
export interface VirtualKeySummary {
  readonly pinSet: boolean;
  readonly pinRetries: number;
  readonly uvRetries: number;
  /** 3 consecutive PIN mismatches: PIN operations refused until a power cycle. */
  readonly pinAuthBlocked: boolean;
  readonly credentialCount: number;
  readonly capacity: number;
  readonly alwaysUv: boolean;
  readonly minPinLength: number;
  readonly forcePinChange: boolean;
  readonly signCount: number;
  /** The profile this key behaves like (see ./profiles.ts). */
  readonly profile: string;
  /** Enrolled fingerprints (profiles with a sensor). */
  readonly fingerprintCount: number;
}

interface PresenceWait {
  readonly command: number;
  settle(outcome: PresenceOutcome): void;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * A software CTAP 2.1 security key. One instance = one physical key: several connections
 * (clients) may be open at once; each allocates its own CTAPHID channel(s) with INIT.
 */
export class VirtualKey extends EventEmitter<VirtualKeyEvents> implements ConnectionOwner {
  /** Descriptor every connection reports (`kind: 'virtual'`, path `virtual:<n>`). */
  readonly descriptor: HidDeviceDescriptor;
  private readonly rng: RandomSource;
  private readonly clock: () => number;
  private readonly statePath?: string;
  private readonly authenticator: Authenticator;
  private readonly engine: CtapHidEngine;
  private readonly identity: AttestationIdentity;
  /** Which kind of key this is (option `profile`). */
  readonly profile: KeyProfile;
  private readonly keyTimeMs: number;
  private readonly ports = new Set<HidPort>();
  private touchMode: TouchMode;
  private readonly touchTimeoutMs: number;
  private readonly autoTouchDelayMs: number;
  private readonly replyRouting: ReplyRouting;
  private latencyMs: number;
  private plugged = true;
  private waiting?: PresenceWait;
  private faults = { dropIn: 0, corruptIn: 0, dropOut: 0, corruptOut: 0 };
  /** Per-report latency, in order, one line per direction. */
  private readonly inbound = new DelayLine();
  private readonly outbound = new DelayLine();

  constructor(readonly options: VirtualKeyOptions = {}) {
    super();
    const n = instanceCounter++;
    this.rng = makeRandom(options.seed);
    this.clock = options.clock ?? Date.now;
    this.statePath = options.statePath;
    this.touchMode = options.touch ?? 'auto';
    this.touchTimeoutMs = options.touchTimeoutMs ?? 30_000;
    this.autoTouchDelayMs = options.touchDelayMs ?? options.autoTouchDelayMs ?? 0;
    this.profile = PROFILES[options.profile ?? 'ctap21'];
    if (!this.profile)
      throw new TypeError(`unknown virtual-key profile ${String(options.profile)}`);
    this.keyTimeMs = Math.max(0, options.keyTimeMs ?? 0);
    this.replyRouting = options.replyRouting ?? 'origin';
    this.latencyMs = options.reportLatencyMs ?? 0;
    this.finger = options.uvResult === 'nomatch' ? 'bad' : 'good';
    const serialNumber = options.serialNumber ?? `VK${String(n).padStart(6, '0')}`;
    this.descriptor = {
      path: `virtual:${n}`,
      kind: 'virtual',
      vendorId: VIRTUAL_KEY_VENDOR_ID,
      productId: VIRTUAL_KEY_PRODUCT_ID,
      manufacturer: 'Keystation',
      product: VIRTUAL_KEY_MODEL_NAME,
      serialNumber,
    };

    const loaded = this.statePath ? loadStateFile(this.statePath) : undefined;
    const state = loaded ?? this.freshState(options);
    if (options.attestation === 'generated') {
      if (!state.attestation) {
        const id = generateAttestationIdentity(this.rng);
        state.attestation = {
          rootCertB64: Buffer.from(id.rootCertDer).toString('base64'),
          batchCertB64: Buffer.from(id.batchCertDer).toString('base64'),
          batchKeyHex: hex(id.batchKeyScalar),
        };
      }
      this.identity = {
        rootCertDer: new Uint8Array(Buffer.from(state.attestation.rootCertB64, 'base64')),
        batchCertDer: new Uint8Array(Buffer.from(state.attestation.batchCertB64, 'base64')),
        batchKeyScalar: new Uint8Array(Buffer.from(state.attestation.batchKeyHex, 'hex')),
      };
    } else {
      this.identity = testAttestationIdentity;
    }

    const firmwareVersion = options.firmwareVersion ?? 0x050403;
    this.authenticator = new Authenticator(
      {
        rng: this.rng,
        clock: () => this.clock(),
        userPresence: (command, signal) => this.userPresence(command, signal),
        stateChanged: () => this.persist(),
        onReset: () => this.emit('reset'),
        uvMatches: () => this.lastFinger === 'good',
        sampleIsGood: () => this.lastFinger === 'good',
        keyWork: (operations) => this.keyWork(operations),
      },
      {
        capacity: options.capacity ?? 25,
        firmwareVersion,
        pinUvAuthProtocols: options.pinUvAuthProtocols ?? this.profile.pinUvAuthProtocols,
        resetWindowMs: options.resetWindowMs ?? 10_000,
        builtInUv: options.builtInUv ?? false,
        deterministicSignatures: options.seed !== undefined,
        profile: this.profile,
      },
      state,
      this.identity,
    );
    this.engine = new CtapHidEngine({
      rng: this.rng,
      messageTimeoutMs: options.messageTimeoutMs ?? 500,
      firmwareVersion,
      ...(this.profile.ctap2
        ? {
            handleCbor: async (request: Uint8Array, signal: AbortSignal) => {
              const response = await this.authenticator.handle(request, signal);
              this.emit('command', request[0], response[0]);
              return response;
            },
          }
        : {}),
      ...(this.profile.u2f
        ? {
            handleMsg: (apdu: Uint8Array, signal: AbortSignal) =>
              this.authenticator.handleU2f(apdu, signal),
          }
        : {}),
      keepaliveStatus: () =>
        this.waiting || this.autoTouchPending
          ? KeepaliveStatus.UPNEEDED
          : KeepaliveStatus.PROCESSING,
      ...(options.wink === false ? {} : { onWink: () => this.emit('wink') }),
      send: (port, report) => this.sendReport(port, report),
    });
    if (!loaded) this.persist();
  }

  private autoTouchPending = false;
  /** The finger automatic touches and `touch()` present (see `setFinger`). */
  private finger: FingerSample = 'good';
  /** The finger of the last gesture: decides built-in UV and enrollment sample quality. */
  private lastFinger: FingerSample = 'good';

  /** Built-in UV (option `builtInUv`): whether the next fingerprint gestures match. */
  setUvResult(result: 'match' | 'nomatch'): void {
    this.finger = result === 'match' ? 'good' : 'bad';
  }

  /**
   * The finger later gestures present (automatic touches and `touch()`): `good` is an enrolled
   * finger / a good enrollment sample, `bad` does not match / is a poor-quality sample.
   */
  setFinger(finger: FingerSample): void {
    this.finger = finger;
  }

  /**
   * Put a finger on the sensor now (manual mode): settles the pending touch with that finger.
   * Returns false if no touch was pending.
   */
  presentFinger(finger: FingerSample): boolean {
    const w = this.waiting;
    if (!w) return false;
    this.lastFinger = finger;
    w.settle('touched');
    return true;
  }

  /** The key's own signing / key-generation time (option keyTimeMs), as a timer. */
  private keyWork(operations: number): Promise<void> {
    const ms = this.keyTimeMs * operations;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private freshState(options: VirtualKeyOptions): VirtualKeyState {
    return {
      version: 1,
      masterKeyHex: hex(this.rng.bytes(32)),
      credRandomKeyHex: hex(this.rng.bytes(32)),
      pinRetries: MAX_PIN_RETRIES,
      minPinLength: Math.max(this.profile.minPinLength, options.minPinLength ?? 4),
      minPinLengthRpIds: [],
      forcePinChange: false,
      alwaysUv: options.alwaysUv ?? false,
      signCount: 0,
      creationCounter: 0,
      credentials: [],
    };
  }

  private persist(): void {
    if (this.statePath) saveStateFile(this.statePath, this.authenticator.state);
    this.emit('statechange');
  }

  // ---- connections -----------------------------------------------------------------------

  /** Open a fresh connection (a HID handle). Throws TransportError('unplugged') when unplugged. */
  connect(): HidConnection {
    if (!this.plugged) throw new TransportError('unplugged', 'virtual key is unplugged');
    const c = new VirtualKeyConnection(this.descriptor, this);
    this.ports.add(c);
    return c;
  }

  /**
   * Attach a raw report sink (the UDP server uses one per peer). `deliver` receives every
   * report routed to this port; `receive` feeds one client report into the key.
   */
  attachPort(deliver: (report: Uint8Array) => void): {
    port: HidPort;
    receive(report: Uint8Array): Promise<void>;
    detach(): void;
  } {
    const port: HidPort = { deliver };
    this.ports.add(port);
    return {
      port,
      receive: (report) => this.receiveFrom(port, report),
      detach: () => this.detach(port),
    };
  }

  /** @internal ConnectionOwner */
  async receiveFrom(port: HidPort, report: Uint8Array): Promise<void> {
    if (!this.plugged || !this.ports.has(port)) return;
    if (this.latencyMs > 0) {
      await this.inbound.delay(this.latencyMs);
      if (!this.plugged || !this.ports.has(port)) return;
    }
    if (this.faults.dropIn > 0) {
      this.faults.dropIn--;
      return;
    }
    if (this.faults.corruptIn > 0) {
      this.faults.corruptIn--;
      report = this.corrupt(report);
    }
    this.engine.receive(port, report);
  }

  /** @internal ConnectionOwner */
  detach(port: HidPort): void {
    this.ports.delete(port);
  }

  private sendReport(origin: HidPort, report: Uint8Array): void {
    if (!this.plugged) return;
    if (this.faults.dropOut > 0) {
      this.faults.dropOut--;
      return;
    }
    if (this.faults.corruptOut > 0) {
      this.faults.corruptOut--;
      report = this.corrupt(report);
    }
    const targets =
      this.replyRouting === 'all' ? [...this.ports] : this.ports.has(origin) ? [origin] : [];
    if (this.latencyMs <= 0) {
      for (const t of targets) t.deliver(report.slice());
      return;
    }
    void this.outbound.delay(this.latencyMs).then(() => {
      if (!this.plugged) return;
      for (const t of targets) if (this.ports.has(t)) t.deliver(report.slice());
    });
  }

  /** Flip a few bits (header and payload) deterministically from the RNG. */
  private corrupt(report: Uint8Array): Uint8Array {
    const out = report.slice();
    const r = this.rng.bytes(3);
    out[r[0] % 7] ^= 0x01 << (r[2] % 8) || 0x01;
    out[7 + (r[1] % (out.length - 7))] ^= 0xff;
    return out;
  }

  // ---- user presence ---------------------------------------------------------------------

  private userPresence(command: number, signal: AbortSignal): Promise<PresenceOutcome> {
    if (signal.aborted) return Promise.resolve('cancelled');
    if (this.touchMode === 'deny') return Promise.resolve('denied');
    if (this.touchMode === 'auto') {
      this.lastFinger = this.finger;
      if (this.autoTouchDelayMs <= 0) return Promise.resolve('touched');
      this.autoTouchPending = true;
      this.emit('upneeded', command);
      return new Promise((resolve) => {
        const done = (outcome: PresenceOutcome) => {
          this.autoTouchPending = false;
          this.emit('upcleared', outcome === 'touched' ? 'touched' : 'cancelled');
          resolve(outcome);
        };
        const onAbort = () => {
          clearTimeout(t);
          done('cancelled');
        };
        const t = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          done('touched');
        }, this.autoTouchDelayMs);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    return new Promise((resolve) => {
      const settle = (outcome: PresenceOutcome) => {
        if (this.waiting !== wait) return;
        this.waiting = undefined;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.emit('upcleared', outcome === 'touched' ? 'touched' : outcome);
        resolve(outcome);
      };
      const onAbort = () => settle('cancelled');
      const timer = setTimeout(() => settle('timeout'), this.touchTimeoutMs);
      const wait: PresenceWait = { command, settle };
      this.waiting = wait;
      signal.addEventListener('abort', onAbort, { once: true });
      this.emit('upneeded', command);
    });
  }

  /** True while a command waits for a touch (manual mode). */
  get waitingForTouch(): boolean {
    return this.waiting !== undefined;
  }

  /** Confirm a pending user-presence request (manual mode). Returns false if none was pending. */
  touch(): boolean {
    const w = this.waiting;
    if (!w) return false;
    this.lastFinger = this.finger;
    w.settle('touched');
    return true;
  }

  /** Refuse a pending user-presence request → CTAP2_ERR_OPERATION_DENIED. */
  deny(): boolean {
    const w = this.waiting;
    if (!w) return false;
    w.settle('denied');
    return true;
  }

  setTouchMode(mode: TouchMode): void {
    this.touchMode = mode;
    if (mode === 'auto') this.touch();
    if (mode === 'deny') this.deny();
  }

  get currentTouchMode(): TouchMode {
    return this.touchMode;
  }

  // ---- power and transport controls ------------------------------------------------------

  get isPluggedIn(): boolean {
    return this.plugged;
  }

  /** Simulate removal: open connections fail with TransportError('unplugged'). */
  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.waiting?.settle('cancelled');
    this.engine.powerDown();
    for (const p of [...this.ports]) {
      if (p instanceof VirtualKeyConnection) p.kill('unplugged');
    }
    this.ports.clear();
    this.emit('unplugged');
  }

  /** Simulate insertion (power-up): volatile state is fresh, the reset window opens. */
  plugIn(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.inbound.clear();
    this.outbound.clear();
    this.authenticator.powerUp();
    this.emit('plugged');
  }

  /** unplug() + plugIn(): clears PIN_AUTH_BLOCKED and reopens the 10 s reset window. */
  powerCycle(): void {
    this.unplug();
    this.plugIn();
  }

  /** Delay per report in each direction (1 ms ≈ USB full speed). */
  setReportLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  /** Drop or corrupt the next N reports (see FaultInjection). */
  injectFault(fault: FaultInjection): void {
    const dir = fault.direction ?? 'out';
    if (dir === 'in') {
      this.faults.dropIn += fault.dropReports ?? 0;
      this.faults.corruptIn += fault.corruptReports ?? 0;
    } else {
      this.faults.dropOut += fault.dropReports ?? 0;
      this.faults.corruptOut += fault.corruptReports ?? 0;
    }
  }

  // ---- state -----------------------------------------------------------------------------

  /** Snapshot of the persistent state (JSON-safe; PIN only as LEFT(SHA-256(PIN),16)). */
  exportState(): VirtualKeyState {
    return JSON.parse(JSON.stringify(this.authenticator.state)) as VirtualKeyState;
  }

  /** Replace the persistent state (e.g. a golden fixture) and power-cycle. */
  importState(state: VirtualKeyState): void {
    if (!isState(state)) throw new TypeError('not a virtual-key state');
    const copy = JSON.parse(JSON.stringify(state)) as VirtualKeyState;
    if (this.options.attestation === 'generated')
      copy.attestation = this.authenticator.state.attestation;
    this.authenticator.state = copy;
    this.persist();
    this.powerCycle();
  }

  /** A secret-free summary of the persistent state, for status displays. */
  get summary(): VirtualKeySummary {
    const s = this.authenticator.state;
    return {
      pinSet: s.pin !== undefined,
      pinRetries: s.pinRetries,
      uvRetries: s.uvRetries ?? 8,
      pinAuthBlocked: this.authenticator.pinAuthBlocked,
      credentialCount: s.credentials.length,
      capacity: this.options.capacity ?? 25,
      alwaysUv: s.alwaysUv,
      minPinLength: s.minPinLength,
      forcePinChange: s.forcePinChange,
      signCount: s.signCount,
      profile: this.profile.name,
      fingerprintCount: s.fingerprints?.length ?? 0,
    };
  }

  /** Number of discoverable credentials stored. */
  get credentialCount(): number {
    return this.authenticator.state.credentials.length;
  }

  /** PEM of the attestation root that issued this key's batch certificate. */
  get attestationRootPem(): string {
    return attestationRootPem(this.identity);
  }

  /** The attestation identity (root + batch certificate DER). */
  get attestationIdentity(): AttestationIdentity {
    return this.identity;
  }
}

/** Options, events and control types of the virtual key (see ./index.ts). */
import type { KeyProfileName } from './profiles';

/**
 * How user presence ("touch the key") is answered.
 * - `auto`: every presence check succeeds at once (after `autoTouchDelayMs`).
 * - `manual`: the key emits `upneeded` and waits for `touch()` / `deny()`; after
 *   `touchTimeoutMs` the command fails with CTAP2_ERR_USER_ACTION_TIMEOUT (0x2F).
 * - `deny`: every presence check fails with CTAP2_ERR_OPERATION_DENIED (0x27).
 */
export type TouchMode = 'auto' | 'manual' | 'deny';

/**
 * `packed` attestation identity:
 * - `test`: a fixed test CA + batch certificate shipped in code (`TEST_ATTESTATION_ROOT_PEM`);
 *   reproducible, never for production.
 * - `generated`: a CA and batch certificate generated on first start ("per install") and kept
 *   in the state (file), so verifiers can pin this installation's root.
 */
export type AttestationMode = 'test' | 'generated';

/**
 * Where replies go when several connections are open.
 * - `origin` (default): to the connection whose request produced them (UDP peers; Windows).
 * - `all`: to every open connection, like Linux hidraw, where every open handle receives
 *   every input report and clients must filter by CID / INIT nonce.
 */
export type ReplyRouting = 'origin' | 'all';

export type { KeyProfileName } from './profiles';

/** A finger on the sensor (profiles with a fingerprint sensor, and `builtInUv`). */
export type FingerSample = 'good' | 'bad';

export interface VirtualKeyOptions {
  /**
   * Which kind of key to behave like (default `ctap21`): `ctap21pre`, `ctap20`, `u2f`, `bio`,
   * `fips`. See ./profiles.ts for what each one answers.
   */
  profile?: KeyProfileName;
  /**
   * Deterministic mode: all randomness (credential keys, key-agreement keys, CIDs, tokens,
   * master keys, generated attestation) derives from this seed, so golden tests can pin
   * bytes. ES256 signatures then use RFC 6979 deterministic nonces, so whole replies repeat
   * byte for byte (EdDSA is deterministic anyway).
   */
  seed?: string | Uint8Array;
  /** Initial touch mode (default `auto`). */
  touch?: TouchMode;
  /** Manual mode: how long to wait for a touch before USER_ACTION_TIMEOUT (default 30 000). */
  touchTimeoutMs?: number;
  /** Auto mode: delay before the automatic touch (default 0), to exercise keepalives. */
  autoTouchDelayMs?: number;
  /**
   * The simulated person takes this long to touch (auto mode; keepalives say UPNEEDED
   * meanwhile). Same as `autoTouchDelayMs`; CLI `--touch-delay`.
   */
  touchDelayMs?: number;
  /**
   * The key's own time per key generation or signature, as waiting (an async timer), not CPU:
   * makeCredential costs two (key pair + attestation signature), each assertion and U2F
   * authentication one, U2F registration two. A benchmark with several keys then measures the
   * station's parallelism, as with real keys whose chips do the work. Default 0.
   */
  keyTimeMs?: number;
  /** Discoverable-credential slots (default 25); beyond → CTAP2_ERR_KEY_STORE_FULL. */
  capacity?: number;
  /**
   * JSON state file: PIN (as LEFT(SHA-256(PIN),16), never in clear), retries, credentials,
   * config, master keys and a generated attestation identity survive restarts. Written
   * atomically with mode 0600 after every change.
   */
  statePath?: string;
  /** Delay per 64-byte report in each direction (1 ≈ USB full speed). Default 0. */
  reportLatencyMs?: number;
  /** Attestation identity (default `test`). */
  attestation?: AttestationMode;
  /** Supported PIN/UV auth protocols in preference order (default [2, 1]). */
  pinUvAuthProtocols?: readonly (1 | 2)[];
  /**
   * Simulate a built-in user-verification method (a fingerprint sensor, enrolled): getInfo
   * `uv: true`, uvModality, getUVRetries, getPinUvAuthTokenUsingUvWithPermissions and the
   * "uv" option of makeCredential/getAssertion. Each verification is a touch gesture (see
   * `touch`); whether the finger matches is `uvResult` / `setUvResult()`. Default false.
   */
  builtInUv?: boolean;
  /** Built-in UV outcome of the next gestures (default 'match'). */
  uvResult?: 'match' | 'nomatch';
  /** Start with alwaysUv on (CTAP 2.1 §7.2.2). Default false; toggled by authenticatorConfig. */
  alwaysUv?: boolean;
  /** Initial minimum PIN length in Unicode code points (default 4, spec minimum 4). */
  minPinLength?: number;
  /** getInfo firmwareVersion (0x0E) and CTAPHID INIT device version. Default 0x050403 (5.4.3). */
  firmwareVersion?: number;
  /** CTAPHID: max gap between packets of one message before ERR_MSG_TIMEOUT (default 500 ms). */
  messageTimeoutMs?: number;
  /** Reset is allowed only this long after power-up (default 10 000; CTAP 2.1 §6.6). */
  resetWindowMs?: number;
  /** Reply routing between several open connections (default `origin`). */
  replyRouting?: ReplyRouting;
  /** Clock for the reset window and token lifetimes (tests); default Date.now. */
  clock?: () => number;
  /** Device descriptor fields for `connect()` (path defaults to `virtual:<n>`). */
  serialNumber?: string;
  /**
   * CTAPHID WINK capability (default true: the key blinks on WINK and emits `wink`). false: a
   * key without a light to blink; INIT leaves the capability out and WINK is ERR_INVALID_CMD.
   */
  wink?: boolean;
}

/**
 * Fault injection for the transport below CTAPHID. Counts apply to the NEXT reports in the
 * given direction (`out` = key → client replies, the default; `in` = client → key).
 */
export interface FaultInjection {
  /** Silently drop the next N reports. */
  dropReports?: number;
  /** Flip bits in the next N reports (header and payload), as a noisy bus would. */
  corruptReports?: number;
  direction?: 'in' | 'out';
}

/** Events emitted by `VirtualKey` (node:events EventEmitter). */
export interface VirtualKeyEvents {
  /** A command waits for user presence (manual mode). Payload: the CTAP command byte. */
  upneeded: [command: number];
  /** The pending presence request ended (touched, denied, timed out or cancelled). */
  upcleared: [outcome: 'touched' | 'denied' | 'timeout' | 'cancelled'];
  /** CTAPHID_WINK received. */
  wink: [];
  /** A CTAP2 command was processed: command byte and the status byte returned. */
  command: [command: number, status: number];
  unplugged: [];
  plugged: [];
  /** authenticatorReset succeeded. */
  reset: [];
  /** Persistent state changed (PIN, credentials, config). */
  statechange: [];
}

export type VirtualKeyEventName = keyof VirtualKeyEvents;

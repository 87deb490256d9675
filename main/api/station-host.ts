/**
 * What both hosts need from the composed station: the dispatcher, the event bus, the settings,
 * and a way to close. main/electron/app.ts and main/browser-host/ build one at start-up.
 */
import type { Clock } from '../station/clock';
import { parseVirtualKeyProfiles, type VirtualKeyProfile } from '../station/devices';
import type { SecretSealer } from '../station/secrets';
import type { Dispatch } from './dispatch';
import type { StationEventBus } from './events';
import type { SettingsStore } from './settings';

export interface StationHost {
  dispatch: Dispatch;
  bus: StationEventBus;
  settings: SettingsStore;
  close(): Promise<void> | void;
}

/**
 * "Restart as administrator" (docs/KEYS.md "Windows"): given by the Electron host on Windows
 * (main/electron/elevation.ts); absent in browser mode and elsewhere, so the button is hidden.
 */
export interface HostElevation {
  canRestartElevated(): Promise<boolean>;
  /** Starts the app again elevated (UAC prompt) and quits; rejects when that was refused. */
  restartElevated(): Promise<void>;
}

export interface StationHostOptions {
  /** Where the registry (SQLite) and browser-mode settings live. */
  dataDir: string;
  /** Seed a demo organization on a fresh registry (DESIGN.md §4 "Demo and production stations"). */
  demo: boolean;
  settings: SettingsStore;
  host: 'electron' | 'browser';
  version: string;
  /**
   * Seals the station key: the desktop app passes Electron's safeStorage, browser mode a key file
   * outside the data directory (main/api/station-key.ts). Without one (tests only) a 0600 key
   * file in the data directory.
   */
  secretSealer?: SecretSealer;
  /** Overrides the policy's kiosk idle timeout (seconds, 2–3600): tests and demos only. */
  kioskIdleSeconds?: number;
  /** Operator idle timeout (seconds); default 15 minutes. */
  operatorIdleSeconds?: number;
  /** Keys reached over UDP (`udp:127.0.0.1:8111`), listed as if plugged in. */
  keyPaths?: readonly string[];
  /** The demo virtual key's touch timeout (ms, 500–120000); default 30 s like a real key. */
  virtualKeyTouchTimeoutMs?: number;
  /** What kind of key each demo virtual key behaves like (`ctap21`, `u2f`, `bio`…). */
  virtualKeyProfiles?: readonly VirtualKeyProfile[];
  /** Discoverable-credential slots of each demo virtual key (default 25, like many real keys). */
  virtualKeyCapacity?: number;
  /** Poll node-hid for USB keys; default true. */
  watchUsb?: boolean;
  /** The station's time (idle sign-out, expiries, audit); default the system clock. */
  clock?: Clock;
  /**
   * The audit anchor directory given on the command line (`--audit-anchor`); wins over the
   * `auditAnchorDir` app setting.
   */
  auditAnchorDir?: string;
  /** The desktop host's "Restart as administrator" (Windows); absent in browser mode. */
  elevation?: HostElevation;
}

/** The station settings a host may take from its environment (read once, at start-up). */
export type StationEnvironment = Pick<
  StationHostOptions,
  | 'kioskIdleSeconds'
  | 'operatorIdleSeconds'
  | 'keyPaths'
  | 'virtualKeyTouchTimeoutMs'
  | 'virtualKeyProfiles'
>;

function integerIn(raw: string | undefined, min: number, max: number): number | undefined {
  const v = Number(raw);
  return raw !== undefined && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
}

/**
 * Parses the variables a host reads (the host passes its own environment; nothing below the
 * hosts reads `process.env`): KEYSTATION_KIOSK_IDLE_SECONDS, KEYSTATION_OPERATOR_IDLE_SECONDS,
 * KEYSTATION_KEY_PATHS (comma-separated `udp:` paths), KEYSTATION_VIRTUAL_KEY_TOUCH_TIMEOUT_MS,
 * KEYSTATION_VIRTUAL_KEY_PROFILES (comma-separated profile names, one per demo virtual key).
 * Out-of-range values are ignored.
 */
export function stationEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): StationEnvironment {
  const keyPaths = (env.KEYSTATION_KEY_PATHS ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => /^udp:[^,\s]{1,200}$/.test(p));
  return {
    kioskIdleSeconds: integerIn(env.KEYSTATION_KIOSK_IDLE_SECONDS, 2, 3600),
    operatorIdleSeconds: integerIn(env.KEYSTATION_OPERATOR_IDLE_SECONDS, 2, 24 * 3600),
    keyPaths,
    virtualKeyTouchTimeoutMs: integerIn(env.KEYSTATION_VIRTUAL_KEY_TOUCH_TIMEOUT_MS, 500, 120_000),
    virtualKeyProfiles: parseVirtualKeyProfiles(env.KEYSTATION_VIRTUAL_KEY_PROFILES ?? ''),
  };
}

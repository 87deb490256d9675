/**
 * What both hosts need from the composed station: the dispatcher, the event bus, the settings,
 * and a way to close. main/electron/app.ts and main/browser-host/ build one at start-up.
 */
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

export interface StationHostOptions {
  /** Where the registry (SQLite) and browser-mode settings live. */
  dataDir: string;
  /** Seed a demo organization on a fresh registry (SPEC "demo mode"). */
  demo: boolean;
  settings: SettingsStore;
  host: 'electron' | 'browser';
  version: string;
  /** Seals the station key; the desktop app passes Electron's safeStorage. Default: 0600 key file. */
  secretSealer?: SecretSealer;
}

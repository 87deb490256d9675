/**
 * Which mode the station is in now (DESIGN.md §4 "a station in production mode refuses it") and what
 * that mode hides. The mode chosen at first run lives in the app settings (DESIGN.md §5: station mode
 * is not registry data) and applies at once: the station, the key devices and the access rules
 * all read it at each use, never a copy taken at start-up. Before first run the host decides:
 * `--demo` is an open demo station, anything else a production station locked to its first-run
 * page.
 */
import type { StationMode } from './context';
import { DEMO_OPERATOR } from './demoSeed';
import { DEMO_RP_ID } from './policy';

export type { StationMode } from './context';

export function currentStationMode(
  settings: { readonly firstRunComplete: boolean; readonly stationMode: StationMode },
  demoHost: boolean,
): StationMode {
  if (settings.firstRunComplete) return settings.stationMode;
  return demoHost ? 'demo' : 'production';
}

/** Only the first-run page may be used: a production station before its first run. */
export function lockedToFirstRun(firstRunComplete: boolean, mode: StationMode): boolean {
  return !firstRunComplete && mode === 'production';
}

/** The seeded demo operator, whose password is public: never signs in on a production station. */
export function isDemoOperator(username: string): boolean {
  return username.trim().toLowerCase() === DEMO_OPERATOR.username;
}

/** A person of the seeded demo organization (UPN in the demo rp id's domain). */
export function isDemoPerson(upn: string): boolean {
  return upn.toLowerCase().endsWith(`@${DEMO_RP_ID}`);
}

/** Production stations hide the demo organization's people (DESIGN.md §4, demo and production stations). */
export function personVisible(mode: StationMode, upn: string): boolean {
  return mode === 'demo' || !isDemoPerson(upn);
}

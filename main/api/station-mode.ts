/**
 * Which mode the station is in now (SPEC §4 "a station in production mode refuses it", issue 7
 * first run). The mode chosen at first run lives in the app settings (SPEC §5: station mode is
 * not registry data) and applies at once: the station, the key devices and the handlers all
 * read it through here at each use, never a copy taken at start-up. Before first run the host
 * decides: `--demo` is an open demo station, anything else a production station locked to its
 * first-run page.
 */
import type { ContractError } from '../../preload/contract';
import { DEMO_OPERATOR, DEMO_RP_ID, type Station } from '../station';
import type { Settings } from './settings';

export type StationMode = 'demo' | 'production';

export function currentStationMode(
  settings: Pick<Settings, 'firstRunComplete' | 'stationMode'>,
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

/** A person of the seeded demo organization (UPN in the demo rp id's domain) (hidden on a production station). */
export function isDemoPerson(upn: string): boolean {
  return upn.toLowerCase().endsWith(`@${DEMO_RP_ID}`);
}

/** Production stations hide the demo organization's people (SPEC "demo mode"). */
export function personVisible(mode: StationMode, upn: string): boolean {
  return mode === 'demo' || !isDemoPerson(upn);
}

/**
 * Dispatcher guard: on a production station a call naming a demo person (by `personId`, e.g.
 * an old link or a guessed id) is answered as for a person that does not exist.
 */
export function hiddenPersonRefusal(station: Station, args: unknown): ContractError | null {
  if (station.mode !== 'production' || typeof args !== 'object' || args === null) return null;
  const personId = (args as { personId?: unknown }).personId;
  if (typeof personId !== 'string' || !/^[1-9][0-9]{0,14}$/.test(personId)) return null;
  const person = station.people.find(Number(personId));
  return person && isDemoPerson(person.upn) ? { kind: 'station', code: 'person.notFound' } : null;
}

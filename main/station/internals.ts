/**
 * What is not part of the Station interface: the context its services share (the registry
 * connection, the station keyring, the session…). The station's own modules, the tests and the
 * benchmarks reach it here; hosts and contract handlers use the Station's services only.
 */
import type { StationContext } from './context';

const contexts = new WeakMap<object, StationContext>();

/** Called once by openStation. */
export function registerStationContext(station: object, context: StationContext): void {
  contexts.set(station, context);
}

/** The context an opened station's services share. */
export function stationContext(station: object): StationContext {
  const context = contexts.get(station);
  if (!context) throw new Error('not a station opened by openStation');
  return context;
}

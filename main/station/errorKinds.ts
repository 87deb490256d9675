/**
 * The three error kinds, never mixed (DESIGN.md §10.3): what went wrong, told apart
 * here so the contract adapter (main/api/errors.ts) needs no knowledge of native/ classes.
 */
import { CtapError } from '../../native/ctap2/status';
import { TransportError } from '../../native/errors';
import { StationError } from './errors';

export type ClassifiedError =
  | { kind: 'station'; code: string; params?: unknown }
  /** A spec status (its name) and the raw status byte and command, when known. */
  | { kind: 'ctap'; code: string; status: number; command?: number }
  | { kind: 'transport'; code: string }
  | { kind: 'internal' };

/**
 * A StationError is also recognised by shape (name + string code), so an error from another
 * copy of the class (bundling, tests) is still a domain error.
 */
function isStationLike(e: unknown): e is Error & { code: string; params?: unknown } {
  return (
    e instanceof StationError ||
    (e instanceof Error &&
      e.name === 'StationError' &&
      typeof (e as { code?: unknown }).code === 'string')
  );
}

export function classifyError(e: unknown): ClassifiedError {
  if (isStationLike(e)) return { kind: 'station', code: e.code, params: e.params };
  if (e instanceof CtapError) {
    return { kind: 'ctap', code: e.status, status: e.code, command: e.command };
  }
  if (e instanceof TransportError) return { kind: 'transport', code: e.code };
  return { kind: 'internal' };
}

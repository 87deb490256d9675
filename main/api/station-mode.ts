/**
 * The dispatcher's answer for a hidden person: on a production station a call naming a demo
 * person (by `personId`, e.g. an old link or a guessed id) is answered as for a person that
 * does not exist. The rule itself is the station's (main/station/access.ts `hidesPerson`).
 */
import type { ContractError } from '../../preload/contract';
import type { StationAccess } from '../station/access';

export function hiddenPersonRefusal(access: StationAccess, args: unknown): ContractError | null {
  if (typeof args !== 'object' || args === null) return null;
  const personId = (args as { personId?: unknown }).personId;
  if (typeof personId !== 'string' || !/^[1-9][0-9]{0,14}$/.test(personId)) return null;
  return access.hidesPerson(Number(personId)) ? { kind: 'station', code: 'person.notFound' } : null;
}

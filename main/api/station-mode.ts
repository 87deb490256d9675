/**
 * The dispatcher's answer for a hidden person: on a production station a call naming a demo
 * person (by `personId`, e.g. an old link or a guessed id) is answered as for a person that
 * does not exist. The rule itself is the station's (main/station/access.ts `hidesPerson`).
 */
import type { ContractError } from '../../preload/contract';
import type { StationAccess } from '../station/access';
import { parseRegistryId } from './convert';

export function hiddenPersonRefusal(access: StationAccess, args: unknown): ContractError | null {
  if (typeof args !== 'object' || args === null) return null;
  const personId = parseRegistryId((args as { personId?: unknown }).personId);
  if (personId === null) return null;
  return access.hidesPerson(personId) ? { kind: 'station', code: 'person.notFound' } : null;
}

/** Temporary access passes (DESIGN.md §3.8): issued by an operator, shown once, revocable. */
import type { Station } from '../station';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';

export function passesHandlers(station: Station): DomainHandlers<'passes'> {
  return {
    async issue({ personId, lifetimeMinutes, oneTime }) {
      const slip = await station.records.issuePass(registryId(personId), {
        lifetimeMinutes,
        oneTime,
      });
      return {
        personId: String(slip.personId),
        upn: slip.upn,
        displayName: slip.displayName,
        pass: slip.pass,
        expiresAt: slip.expiresAt,
        oneTime: slip.oneTime,
        qrSvg: slip.qrSvg,
      };
    },
    status: ({ personId }) => station.records.passStatus(registryId(personId)),
    revoke: ({ personId }) => station.records.revokePass(registryId(personId)),
  };
}

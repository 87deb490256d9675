/** Temporary access passes (DESIGN.md §3.8): issued by an operator, shown once, revocable. */
import QRCode from 'qrcode';
import type { Station } from '../station';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';
import { personRecord } from './roster';

export function passesHandlers(station: Station): DomainHandlers<'passes'> {
  return {
    async issue({ personId, lifetimeMinutes, oneTime }) {
      const id = registryId(personId);
      const person = station.people.get(id);
      const issued = station.passes.issue(id, { lifetimeMinutes, oneTime });
      // The slip's QR carries what the kiosk asks for; it exists only in this answer.
      const qrSvg = await QRCode.toString(`${person.upn}\n${issued.pass}`, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 1,
      });
      return {
        personId: String(id),
        upn: person.upn,
        displayName: person.displayName,
        pass: issued.pass,
        expiresAt: issued.expiresAt,
        oneTime: issued.oneTime,
        qrSvg,
      };
    },
    status({ personId }) {
      return personRecord(station, registryId(personId)).pass;
    },
    revoke({ personId }) {
      const id = registryId(personId);
      station.passes.revoke(id);
      return personRecord(station, id).pass;
    },
  };
}

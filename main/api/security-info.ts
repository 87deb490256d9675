/** The "Security info" page (DESIGN.md §3.1) over station.records.securityInfo. */
import type { Station } from '../station';
import { registryId, toContractMethod, toContractPerson } from './convert';
import type { DomainHandlers } from './dispatch';

export function securityInfoHandlers(station: Station): DomainHandlers<'securityInfo'> {
  return {
    get({ personId }) {
      const info = station.records.securityInfo(registryId(personId));
      const status = info.registration;
      return {
        person: toContractPerson(info.person),
        methods: info.methods.map(toContractMethod),
        defaultMethodId: info.defaultMethod ? String(info.defaultMethod.id) : null,
        registration: {
          complete: status.complete,
          missingKinds: [...status.missingRequiredKinds],
          additionalNeeded: status.additionalNeeded,
          needsMfaMethod: status.needsMfaMethod,
        },
        offerableKinds: [...status.offerable],
        limitedKinds: [...status.atLimit],
      };
    },
  };
}

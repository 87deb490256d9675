import type { Station } from '../station';
import { registryId, toContractMethod, toContractPerson } from './convert';
import type { DomainHandlers } from './dispatch';

export function securityInfoHandlers(station: Station): DomainHandlers<'securityInfo'> {
  return {
    get({ personId }) {
      const id = registryId(personId);
      const person = station.people.get(id);
      const methods = station.methods.list(id);
      const status = station.methods.registrationStatus(id);
      const defaultMethod = methods.find((m) => m.isDefault) ?? null;
      return {
        person: toContractPerson({ ...person, methodCount: methods.length }),
        methods: methods.map(toContractMethod),
        defaultMethodId: defaultMethod ? String(defaultMethod.id) : null,
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

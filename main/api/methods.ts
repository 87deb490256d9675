/** Default / delete / what registration still requires (DESIGN.md §1, §3.1, §3.2). */
import type { Station } from '../station';
import { registryId, toContractMethod } from './convert';
import type { DomainHandlers } from './dispatch';

/** Method ids are registry integers; anything else is simply not one of the person's methods. */
const methodId = (id: string) => registryId(id, 'method.notFound');

export function methodsHandlers(station: Station): DomainHandlers<'methods'> {
  return {
    setDefault({ personId, methodId: id }) {
      return toContractMethod(station.methods.setDefault(registryId(personId), methodId(id)));
    },
    rename({ personId, methodId: id, name }) {
      return toContractMethod(station.methods.rename(registryId(personId), methodId(id), name));
    },
    delete({ personId, methodId: id }) {
      const { newDefault } = station.methods.remove(registryId(personId), methodId(id));
      return { newDefault: newDefault ? toContractMethod(newDefault) : null };
    },
    registrationStatus({ personId }) {
      const s = station.methods.registrationStatus(registryId(personId));
      return {
        complete: s.complete,
        requiredCount: s.requiredCount,
        registeredKinds: [...s.registeredKinds],
        missingKinds: [...s.missingRequiredKinds],
        additionalNeeded: s.additionalNeeded,
        needsMfaMethod: s.needsMfaMethod,
        nextSteps: [...s.nextSteps],
        offerableKinds: [...s.offerable],
      };
    },
  };
}

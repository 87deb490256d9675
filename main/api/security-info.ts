/** The "Security info" page (DESIGN.md §3.1) over station.records.securityInfo. */
import type { MethodSummary } from '../../preload/contract';
import type { Station } from '../station';
import { registryId, toContractMethod, toContractPerson } from './convert';
import type { DomainHandlers } from './dispatch';

/**
 * Several apps or tokens without a name read "Autentiseringsapp 1", "… 2" by their place in the
 * list (the person can name each when adding it), so no two rows or choices read the same.
 */
export function numberUnnamed(methods: MethodSummary[]): MethodSummary[] {
  const ofKind = (kind: string) => methods.filter((m) => m.kind === kind);
  return methods.map((m) => {
    if (m.name || (m.kind !== 'authenticatorApp' && m.kind !== 'hardwareToken')) return m;
    const same = ofKind(m.kind);
    return same.length > 1 ? { ...m, number: same.indexOf(m) + 1 } : m;
  });
}

export function securityInfoHandlers(station: Station): DomainHandlers<'securityInfo'> {
  return {
    get({ personId }) {
      const info = station.records.securityInfo(registryId(personId));
      const status = info.registration;
      return {
        person: toContractPerson(info.person),
        methods: numberUnnamed(info.methods.map(toContractMethod)),
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

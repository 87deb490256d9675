/** Registry values → contract values (ids as strings, display-ready fields). */
import type {
  PersonSummary as ContractPerson,
  MethodSummary as ContractMethod,
} from '../../preload/contract';
import { StationError, type MethodSummary, type Person, type PersonSummary } from '../station';

/** Contract ids are strings; the registry's are positive integers. */
export function registryId(id: string): number {
  const n = Number(id);
  if (!/^[1-9][0-9]{0,14}$/.test(id) || !Number.isSafeInteger(n)) {
    // Not a registry id at all: to the person it is the same as an unknown one.
    throw new StationError('person.notFound');
  }
  return n;
}

export function toContractPerson(
  p: PersonSummary | (Person & { methodCount: number }),
): ContractPerson {
  return {
    id: String(p.id),
    upn: p.upn,
    displayName: p.displayName,
    department: p.department || null,
    status: p.status,
    methodCount: p.methodCount,
  };
}

export function toContractMethod(m: MethodSummary): ContractMethod {
  return {
    id: String(m.id),
    kind: m.kind,
    label: m.label,
    detail: m.detail,
    isDefault: m.isDefault,
    usableForMfa: m.usableForMfa,
    createdAt: m.createdAt,
    lastUsedAt: m.lastUsedAt,
    ...(m.securityKey
      ? {
          securityKey: {
            name: m.securityKey.name,
            model: m.securityKey.model,
            isVirtual: m.securityKey.isVirtual,
          },
        }
      : {}),
  };
}

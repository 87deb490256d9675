/** Registry values → contract values (ids as strings, display-ready fields). */
import type {
  PersonSummary as ContractPerson,
  MethodSummary as ContractMethod,
} from '../../preload/contract';
import { StationError, type MethodSummary, type Person, type PersonSummary } from '../station';

/** A registry id as the contract writes it: a positive integer, no sign, no leading zero. */
export function parseRegistryId(id: unknown): number | null {
  if (typeof id !== 'string' || !/^[1-9][0-9]{0,14}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Contract ids are strings; the registry's are positive integers. Anything else is not a
 * registry id at all: to the person it is the same as an unknown one (`notFound`, a person's
 * by default).
 */
export function registryId(
  id: string,
  notFound: 'person.notFound' | 'method.notFound' = 'person.notFound',
): number {
  const n = parseRegistryId(id);
  if (n === null) throw new StationError(notFound);
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
    ...(m.name ? { name: m.name } : {}),
    ...(m.number !== undefined ? { number: m.number } : {}),
    ...(m.phoneType === 'alternateMobile' || m.phoneType === 'office'
      ? { phoneType: m.phoneType }
      : {}),
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

/**
 * Provisioning reason codes (docs/PROVISIONING.md) that carry an error of another layer:
 * `transport:<code>`, `ctap:<status>`, and `station:<code>?<params>` — the station's refusal of
 * a key (a flagged model, …) with its parameters, shown in the words a person's key gets.
 */
import type { ContractError } from '../../../../../preload/contract';

/** The contract error a reason stands for; null for the provisioning's own reasons. */
export function reasonAsError(reason: string): ContractError | null {
  const colon = reason.indexOf(':');
  if (colon < 0) return null;
  const kind = reason.slice(0, colon);
  const rest = reason.slice(colon + 1);
  if (kind === 'transport' || kind === 'ctap') return { kind, code: rest };
  if (kind !== 'station') return null;
  const query = rest.indexOf('?');
  if (query < 0) return { kind, code: rest };
  const params = Object.fromEntries(new URLSearchParams(rest.slice(query + 1)));
  return { kind, code: rest.slice(0, query), params };
}

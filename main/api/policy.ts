/** The policy editor's two calls; the station validates again with its own PolicySchema. */
import type { Station } from '../station';
import type { DomainHandlers } from './dispatch';

export function policyHandlers(station: Station): DomainHandlers<'policy'> {
  return {
    get: () => station.policy.editable(),
    update: ({ policy }) => station.policy.edit(policy),
  };
}

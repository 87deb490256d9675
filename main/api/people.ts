import type { Station } from '../station';
import { toContractPerson } from './convert';
import type { DomainHandlers } from './dispatch';

export function peopleHandlers(station: Station): DomainHandlers<'people'> {
  return {
    search({ query, limit = 50 }) {
      // One more than asked tells whether there are more.
      const found = station.people.search(query, { limit: Math.min(limit + 1, 200) });
      return { people: found.slice(0, limit).map(toContractPerson), hasMore: found.length > limit };
    },
  };
}

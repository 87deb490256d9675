import { DEMO_PEOPLE, type Station } from '../station';
import { toContractPerson } from './convert';
import type { DomainHandlers } from './dispatch';
import { personVisible } from './station-mode';

export function peopleHandlers(station: Station): DomainHandlers<'people'> {
  return {
    search({ query, limit = 50 }) {
      // A production station hides the seeded demo people: ask for that many more so the page
      // is still full after they are left out.
      const mode = station.mode;
      const hidden = mode === 'production' ? DEMO_PEOPLE.length : 0;
      // One more than asked tells whether there are more.
      const found = station.people
        .search(query, { limit: Math.min(limit + 1 + hidden, 200) })
        .filter((p) => personVisible(mode, p.upn))
        .slice(0, limit + 1);
      return { people: found.slice(0, limit).map(toContractPerson), hasMore: found.length > limit };
    },
  };
}

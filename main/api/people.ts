import type { Station } from '../station';
import { toContractPerson } from './convert';
import type { DomainHandlers } from './dispatch';

export function peopleHandlers(station: Station): DomainHandlers<'people'> {
  return {
    search({ query, limit = 50 }) {
      // Demo people stay hidden on a production station (PeopleService.searchPage).
      const page = station.people.searchPage(query, limit);
      return { people: page.people.map(toContractPerson), hasMore: page.hasMore };
    },
  };
}

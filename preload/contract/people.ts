import { z } from 'zod';
import { call } from './define';

/** Registry ids cross the contract as strings; main/api converts to the registry's own form. */
export const personIdSchema = z.string().min(1).max(64);

export type PersonStatus = 'active' | 'disabled';

export interface PersonSummary {
  id: string;
  upn: string;
  displayName: string;
  department: string | null;
  status: PersonStatus;
  /** How many methods the person has registered (the roster's completion column). */
  methodCount: number;
}

export interface RosterPage {
  people: PersonSummary[];
  /** More people match than `limit`: the UI asks to narrow the search. */
  hasMore: boolean;
}

export const peopleCalls = {
  /** Roster search by name, UPN or department; an empty query lists the roster. */
  search: call(
    z
      .object({
        query: z.string().max(200),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
  ).returns<RosterPage>(),
};

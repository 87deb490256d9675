import { z } from 'zod';
import { PeopleRepository, type PersonRow, type PersonSummaryRow } from '../db/repositories/people';
import { foldForSearch } from '../db/searchKeys';
import type { StationContext } from './context';
import { DEMO_PEOPLE } from './demoSeed';
import { StationError } from './errors';
import { personVisible } from './stationMode';
import type { Person, PersonId, PersonSummary } from './types';

/** UPN: user@domain, at most 113 characters as in common identity providers. */
export const UPN_PATTERN = /^[^\s@]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
export const UPN_MAX = 113;

export const NewPersonSchema = z.object({
  upn: z.string().trim().max(UPN_MAX).regex(UPN_PATTERN),
  displayName: z.string().trim().min(1).max(256),
  department: z.string().trim().max(128).default(''),
  email: z.union([z.literal(''), z.string().trim().max(254).email()]).default(''),
  mobile: z.string().trim().max(32).default(''),
  ssprEnabled: z.boolean().default(true),
  passwordManagedExternally: z.boolean().default(false),
});
export type NewPerson = z.input<typeof NewPersonSchema>;

export const PersonPatchSchema = NewPersonSchema.omit({ upn: true })
  .partial()
  .extend({ status: z.enum(['active', 'disabled']).optional() });
export type PersonPatch = z.input<typeof PersonPatchSchema>;

export function toPerson(r: PersonRow): Person {
  return {
    id: r.id,
    upn: r.upn,
    displayName: r.display_name,
    department: r.department,
    email: r.email,
    mobile: r.mobile,
    status: r.status,
    ssprEnabled: r.sspr_enabled === 1,
    passwordManagedExternally: r.password_managed_externally === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function zodToStationError(err: z.ZodError): StationError {
  const first = err.issues[0];
  return new StationError('input.invalid', { field: first ? first.path.join('.') : '' });
}

const NAME_ORDER = new Intl.Collator('sv', { sensitivity: 'base' });

type SummaryRow = PersonSummaryRow;

function toSummary(r: SummaryRow, methodCount: number): PersonSummary {
  return {
    id: r.id,
    upn: r.upn,
    displayName: r.display_name,
    department: r.department,
    status: r.status,
    methodCount,
  };
}

export class PeopleService {
  readonly repo: PeopleRepository;

  constructor(private readonly ctx: StationContext) {
    this.repo = new PeopleRepository(ctx.db);
  }

  /**
   * Search-as-you-type: first-name, last-name or UPN prefixes; several words in either order
   * ("anna sv", "svensson a"); case and diacritics ignored. Exact UPN first, then by name.
   */
  search(typed: string, opts: { limit?: number } = {}): PersonSummary[] {
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 200);
    const raw = typeof typed === 'string' ? typed.trim().slice(0, 256) : '';
    const words = foldForSearch(raw).replace(/[@.]/g, ' ').split(' ').filter(Boolean).slice(0, 4);
    if (words.length === 0 && raw === '') return this.withCounts(this.repo.firstPage(limit));
    const found = new Map<number, SummaryRow>();
    const add = (rows: SummaryRow[]) => {
      for (const r of rows) found.set(r.id, r);
    };
    const phrase = words.join(' ');
    const upnLike = !/\s/.test(raw) && /[@.]/.test(raw);
    if (words.length > 0) {
      // "anna sv" (first last) and "svensson a" (last first) are plain index ranges.
      add(this.repo.byNamePrefix(phrase, limit));
      add(this.repo.bySortPrefix(phrase, limit));
      if (words.length > 1 && found.size < limit && !upnLike) {
        // Middle names and other orders: the longest word drives a capped, filtered scan.
        const driver = [...words].sort((a, b) => b.length - a.length)[0];
        const otherWords = words.filter((_, i) => i !== words.indexOf(driver));
        add(this.repo.byNameWords({ prefix: driver, otherWords, limit }));
      }
    }
    if (!/\s/.test(raw)) add(this.repo.byUpnPrefix(raw, limit));
    const exact = raw.toLowerCase();
    const rank = (r: SummaryRow): number =>
      (r.upn.toLowerCase() === exact ? 2 : 0) + (r.search_name.startsWith(phrase) ? 1 : 0);
    const page = [...found.values()]
      .sort((a, b) => rank(b) - rank(a) || NAME_ORDER.compare(a.display_name, b.display_name))
      .slice(0, limit);
    return this.withCounts(page);
  }

  private withCounts(rows: SummaryRow[]): PersonSummary[] {
    if (rows.length === 0) return [];
    const counts = this.repo.methodCounts(rows.map((r) => r.id));
    return rows.map((r) => toSummary(r, counts.get(r.id) ?? 0));
  }

  find(id: PersonId): Person | undefined {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = this.repo.byId(id);
    return row && toPerson(row);
  }

  get(id: PersonId): Person {
    const person = this.find(id);
    if (!person) throw new StationError('person.notFound');
    this.ctx.session.assertMayActOn(person.id);
    return person;
  }

  /**
   * One page of search hits as the station shows them: a production station leaves the seeded
   * demo people out (asking for that many more, so the page is still full), and one hit more
   * than asked tells whether there are more.
   */
  searchPage(typed: string, limit: number): { people: PersonSummary[]; hasMore: boolean } {
    const mode = this.ctx.mode;
    const hidden = mode === 'production' ? DEMO_PEOPLE.length : 0;
    const found = this.search(typed, { limit: Math.min(limit + 1 + hidden, 200) })
      .filter((p) => personVisible(mode, p.upn))
      .slice(0, limit + 1);
    return { people: found.slice(0, limit), hasMore: found.length > limit };
  }

  findByUpn(upn: string): Person | undefined {
    if (typeof upn !== 'string' || upn.length > 256) return undefined;
    const row = this.repo.byUpn(upn.trim());
    return row && toPerson(row);
  }

  getByUpn(upn: string): Person {
    const person = this.findByUpn(upn);
    if (!person) throw new StationError('person.notFound');
    this.ctx.session.assertMayActOn(person.id);
    return person;
  }

  count(): number {
    return this.repo.count();
  }

  create(input: NewPerson): Person {
    this.ctx.session.assertStaff();
    const parsed = NewPersonSchema.safeParse(input);
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.');
      throw field === 'upn'
        ? new StationError('person.invalidUpn')
        : zodToStationError(parsed.error);
    }
    const p = parsed.data;
    const now = this.ctx.clock().toISOString();
    return this.ctx.db.transaction(() => {
      if (this.repo.byUpn(p.upn)) throw new StationError('person.upnTaken', { upn: p.upn });
      const id = this.repo.insert(p, now);
      this.ctx.audit.append('person.created', id, { upn: p.upn });
      return toPerson(this.repo.byId(id) as PersonRow);
    })();
  }

  update(id: PersonId, patch: PersonPatch): Person {
    this.ctx.session.assertStaff();
    const parsed = PersonPatchSchema.safeParse(patch);
    if (!parsed.success) throw zodToStationError(parsed.error);
    const p = parsed.data;
    return this.ctx.db.transaction(() => {
      const current = this.get(id);
      this.repo.update(
        id,
        {
          displayName: p.displayName ?? current.displayName,
          department: p.department ?? current.department,
          email: p.email ?? current.email,
          mobile: p.mobile ?? current.mobile,
          status: p.status ?? current.status,
          ssprEnabled: p.ssprEnabled ?? current.ssprEnabled,
          passwordManagedExternally:
            p.passwordManagedExternally ?? current.passwordManagedExternally,
        },
        this.ctx.clock().toISOString(),
      );
      this.ctx.audit.append('person.updated', id, { fields: Object.keys(p).sort().join(',') });
      return toPerson(this.repo.byId(id) as PersonRow);
    })();
  }
}

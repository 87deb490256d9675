import { z } from 'zod';
import { foldForSearch, searchKeys } from '../db/searchKeys';
import type { StationContext } from './context';
import { StationError } from './errors';
import type { Person, PersonId, PersonStatus, PersonSummary } from './types';

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

interface PersonRow {
  id: number;
  upn: string;
  display_name: string;
  department: string;
  email: string;
  mobile: string;
  status: PersonStatus;
  sspr_enabled: number;
  password_managed_externally: number;
  created_at: string;
  updated_at: string;
}

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

const SUMMARY_COLUMNS = `p.id, p.upn, p.display_name, p.department, p.status, p.search_name`;

interface SummaryRow {
  id: number;
  upn: string;
  display_name: string;
  department: string;
  status: PersonStatus;
  search_name: string;
}

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
  private readonly byId;
  private readonly byUpn;
  private readonly byName;
  private readonly bySort;
  private readonly byUpnPrefix;
  private readonly firstPage;
  private readonly methodCounts;

  constructor(private readonly ctx: StationContext) {
    // Counted only for the page actually shown, not for every candidate row.
    this.methodCounts = ctx.db.prepare(
      `SELECT person_id AS id, count(*) AS n FROM methods
       WHERE person_id IN (SELECT value FROM json_each(?)) GROUP BY person_id`,
    );
    this.byId = ctx.db.prepare('SELECT * FROM people WHERE id = ?');
    this.byUpn = ctx.db.prepare('SELECT * FROM people WHERE upn = ?');
    // Prefix range scans on indexed, folded keys (migration 006): O(log n) per keystroke. The
    // extra words of a multi-word query filter the range ("anna sv", "sv anna").
    const extraWords = (col: string) =>
      [2, 3, 4]
        .map((i) => `(@w${i} = '' OR instr(' ' || ${col}, ' ' || @w${i}) > 0)`)
        .join(' AND ');
    this.byName = ctx.db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM people p
       WHERE p.search_name >= @lo AND p.search_name < @hi AND ${extraWords('p.search_name')}
       ORDER BY p.search_name LIMIT @limit`,
    );
    this.bySort = ctx.db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM people p
       WHERE p.search_sort >= @lo AND p.search_sort < @hi AND ${extraWords('p.search_name')}
       ORDER BY p.search_sort LIMIT @limit`,
    );
    // upn is declared COLLATE NOCASE, so this range uses its unique index case-insensitively.
    this.byUpnPrefix = ctx.db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM people p WHERE p.upn >= @lo AND p.upn < @hi
       ORDER BY p.upn LIMIT @limit`,
    );
    this.firstPage = ctx.db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM people p ORDER BY p.search_name LIMIT ?`,
    );
  }

  /**
   * Search-as-you-type: first-name, last-name or UPN prefixes; several words in either order
   * ("anna sv", "svensson a"); case and diacritics ignored. Exact UPN first, then by name.
   */
  search(typed: string, opts: { limit?: number } = {}): PersonSummary[] {
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 200);
    const raw = typeof typed === 'string' ? typed.trim().slice(0, 256) : '';
    const words = foldForSearch(raw).replace(/[@.]/g, ' ').split(' ').filter(Boolean).slice(0, 4);
    if (words.length === 0 && raw === '')
      return this.withCounts(this.firstPage.all(limit) as SummaryRow[]);
    const found = new Map<number, SummaryRow>();
    const add = (rows: unknown[]) => {
      for (const r of rows as SummaryRow[]) found.set(r.id, r);
    };
    if (words.length > 0) {
      // The longest word drives the range scan (most selective); the others filter it.
      const driver = [...words].sort((a, b) => b.length - a.length)[0];
      const others = words.filter((w, i) => i !== words.indexOf(driver));
      const params = {
        lo: driver,
        hi: `${driver}\uffff`,
        w2: others[0] ?? '',
        w3: others[1] ?? '',
        w4: others[2] ?? '',
        limit,
      };
      add(this.byName.all(params));
      add(this.bySort.all(params));
    }
    if (!/\s/.test(raw)) add(this.byUpnPrefix.all({ lo: raw, hi: `${raw}\uffff`, limit }));
    const exact = raw.toLowerCase();
    const phrase = words.join(' ');
    const rank = (r: SummaryRow): number =>
      (r.upn.toLowerCase() === exact ? 2 : 0) + (r.search_name.startsWith(phrase) ? 1 : 0);
    const page = [...found.values()]
      .sort((a, b) => rank(b) - rank(a) || NAME_ORDER.compare(a.display_name, b.display_name))
      .slice(0, limit);
    return this.withCounts(page);
  }

  private withCounts(rows: SummaryRow[]): PersonSummary[] {
    if (rows.length === 0) return [];
    const counts = new Map(
      (
        this.methodCounts.all(JSON.stringify(rows.map((r) => r.id))) as { id: number; n: number }[]
      ).map((c) => [c.id, c.n]),
    );
    return rows.map((r) => toSummary(r, counts.get(r.id) ?? 0));
  }

  find(id: PersonId): Person | undefined {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = this.byId.get(id) as PersonRow | undefined;
    return row && toPerson(row);
  }

  get(id: PersonId): Person {
    const person = this.find(id);
    if (!person) throw new StationError('person.notFound');
    this.ctx.session.assertMayActOn(person.id);
    return person;
  }

  findByUpn(upn: string): Person | undefined {
    if (typeof upn !== 'string' || upn.length > 256) return undefined;
    const row = this.byUpn.get(upn.trim()) as PersonRow | undefined;
    return row && toPerson(row);
  }

  getByUpn(upn: string): Person {
    const person = this.findByUpn(upn);
    if (!person) throw new StationError('person.notFound');
    this.ctx.session.assertMayActOn(person.id);
    return person;
  }

  count(): number {
    return (this.ctx.db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;
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
      if (this.byUpn.get(p.upn)) throw new StationError('person.upnTaken', { upn: p.upn });
      const info = this.ctx.db
        .prepare(
          `INSERT INTO people (upn, display_name, department, email, mobile, sspr_enabled,
             password_managed_externally, created_at, updated_at, search_name, search_sort)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          p.upn,
          p.displayName,
          p.department,
          p.email,
          p.mobile,
          p.ssprEnabled ? 1 : 0,
          p.passwordManagedExternally ? 1 : 0,
          now,
          now,
          searchKeys(p.displayName).name,
          searchKeys(p.displayName).sort,
        );
      const id = Number(info.lastInsertRowid);
      this.ctx.audit.append('person.created', id, { upn: p.upn });
      return toPerson(this.byId.get(id) as PersonRow);
    })();
  }

  update(id: PersonId, patch: PersonPatch): Person {
    this.ctx.session.assertStaff();
    const parsed = PersonPatchSchema.safeParse(patch);
    if (!parsed.success) throw zodToStationError(parsed.error);
    const p = parsed.data;
    return this.ctx.db.transaction(() => {
      const current = this.get(id);
      const next = {
        display_name: p.displayName ?? current.displayName,
        department: p.department ?? current.department,
        email: p.email ?? current.email,
        mobile: p.mobile ?? current.mobile,
        status: p.status ?? current.status,
        sspr_enabled: (p.ssprEnabled ?? current.ssprEnabled) ? 1 : 0,
        password_managed_externally:
          (p.passwordManagedExternally ?? current.passwordManagedExternally) ? 1 : 0,
        updated_at: this.ctx.clock().toISOString(),
        search_name: searchKeys(p.displayName ?? current.displayName).name,
        search_sort: searchKeys(p.displayName ?? current.displayName).sort,
        id,
      };
      this.ctx.db
        .prepare(
          `UPDATE people SET display_name = @display_name, department = @department,
             email = @email, mobile = @mobile, status = @status, sspr_enabled = @sspr_enabled,
             password_managed_externally = @password_managed_externally, updated_at = @updated_at,
             search_name = @search_name, search_sort = @search_sort
           WHERE id = @id`,
        )
        .run(next);
      this.ctx.audit.append('person.updated', id, { fields: Object.keys(p).sort().join(',') });
      return toPerson(this.byId.get(id) as PersonRow);
    })();
  }
}

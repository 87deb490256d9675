import type { Db } from '../connection';
import { searchKeys } from '../searchKeys';

/** A `people` row as stored. */
export interface PersonRow {
  id: number;
  upn: string;
  display_name: string;
  department: string;
  email: string;
  mobile: string;
  status: 'active' | 'disabled';
  sspr_enabled: number;
  password_managed_externally: number;
  created_at: string;
  updated_at: string;
  search_name: string;
  search_sort: string;
  /** The roster read model (migration 009). */
  method_count: number;
  method_kinds: number;
  reg_state: number;
  /** 1 for the demo organization's people (hidden on a production station). */
  demo: number;
}

/** The columns a search result page needs. */
export type PersonSummaryRow = Pick<
  PersonRow,
  'id' | 'upn' | 'display_name' | 'department' | 'status' | 'search_name'
>;

export interface PersonValues {
  upn: string;
  displayName: string;
  department: string;
  email: string;
  mobile: string;
  status?: 'active' | 'disabled';
  ssprEnabled?: boolean;
  passwordManagedExternally?: boolean;
}

export interface NamePrefixQuery {
  /** Folded prefix of the first or last name (see searchKeys). */
  prefix: string;
  /** Up to three more folded word prefixes that must each start some word of the name. */
  otherWords: readonly string[];
  limit: number;
}

const SUMMARY = 'p.id, p.upn, p.display_name, p.department, p.status, p.search_name';
const extraWords = [2, 3, 4]
  .map((i) => `(@w${i} = '' OR instr(' ' || p.search_name, ' ' || @w${i}) > 0)`)
  .join(' AND ');

/**
 * All SQL on `people`. It is also the one place that writes the search keys (migration 006),
 * so no writer can forget them.
 */
/** The columns insert and update both write, with the search keys derived from the name. */
function editableColumns(v: Omit<PersonValues, 'upn'>, at: string) {
  const k = searchKeys(v.displayName);
  return {
    display_name: v.displayName,
    department: v.department,
    email: v.email,
    mobile: v.mobile,
    status: v.status ?? 'active',
    sspr_enabled: v.ssprEnabled === false ? 0 : 1,
    password_managed_externally: v.passwordManagedExternally ? 1 : 0,
    at,
    search_name: k.name,
    search_sort: k.sort,
  };
}

export class PeopleRepository {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      byId: db.prepare('SELECT * FROM people WHERE id = ?'),
      byUpn: db.prepare('SELECT * FROM people WHERE upn = ?'),
      count: db.prepare('SELECT count(*) AS n FROM people'),
      insert: db.prepare(
        `INSERT INTO people (upn, display_name, department, email, mobile, status, sspr_enabled,
           password_managed_externally, created_at, updated_at, search_name, search_sort)
         VALUES (@upn, @display_name, @department, @email, @mobile, @status, @sspr_enabled,
           @password_managed_externally, @at, @at, @search_name, @search_sort)`,
      ),
      update: db.prepare(
        `UPDATE people SET display_name = @display_name, department = @department, email = @email,
           mobile = @mobile, status = @status, sspr_enabled = @sspr_enabled,
           password_managed_externally = @password_managed_externally, updated_at = @at,
           search_name = @search_name, search_sort = @search_sort
         WHERE id = @id`,
      ),
      // Prefix range scans on indexed keys: O(log n) per keystroke.
      byName: db.prepare(
        `SELECT ${SUMMARY} FROM people p WHERE p.search_name >= @lo AND p.search_name < @hi
         ORDER BY p.search_name LIMIT @limit`,
      ),
      bySort: db.prepare(
        `SELECT ${SUMMARY} FROM people p WHERE p.search_sort >= @lo AND p.search_sort < @hi
         ORDER BY p.search_sort LIMIT @limit`,
      ),
      // Words in other places (middle names): a filtered scan, capped so a query that matches
      // nothing still costs at most @cap index rows.
      byNameWords: db.prepare(
        `SELECT * FROM (SELECT ${SUMMARY} FROM people p WHERE p.search_name >= @lo AND p.search_name < @hi
           ORDER BY p.search_name LIMIT @cap) p WHERE ${extraWords} LIMIT @limit`,
      ),
      bySortWords: db.prepare(
        `SELECT * FROM (SELECT ${SUMMARY}, p.search_sort FROM people p WHERE p.search_sort >= @lo AND p.search_sort < @hi
           ORDER BY p.search_sort LIMIT @cap) p WHERE ${extraWords} LIMIT @limit`,
      ),
      // upn is declared COLLATE NOCASE, so this range uses its unique index case-insensitively.
      byUpnPrefix: db.prepare(
        `SELECT ${SUMMARY} FROM people p WHERE p.upn >= @lo AND p.upn < @hi ORDER BY p.upn LIMIT @limit`,
      ),
      firstPage: db.prepare(`SELECT ${SUMMARY} FROM people p ORDER BY p.search_name LIMIT ?`),
      methodCounts: db.prepare(
        `SELECT person_id AS id, count(*) AS n FROM methods
         WHERE person_id IN (SELECT value FROM json_each(?)) GROUP BY person_id`,
      ),
      roster: db.prepare('SELECT * FROM people ORDER BY id'),
    };
  }

  byId(id: number): PersonRow | undefined {
    return this.stmts.byId.get(id) as PersonRow | undefined;
  }

  byUpn(upn: string): PersonRow | undefined {
    return this.stmts.byUpn.get(upn) as PersonRow | undefined;
  }

  count(): number {
    return (this.stmts.count.get() as { n: number }).n;
  }

  insert(v: PersonValues, at: string): number {
    const info = this.stmts.insert.run({ upn: v.upn, ...editableColumns(v, at) });
    return Number(info.lastInsertRowid);
  }

  /** Replaces every editable field (the UPN stays). */
  update(id: number, v: Omit<PersonValues, 'upn'>, at: string): void {
    this.stmts.update.run({ id, ...editableColumns(v, at) });
  }

  /** Display names (folded) starting with `prefix`, e.g. "anna s". */
  byNamePrefix(prefix: string, limit: number): PersonSummaryRow[] {
    return this.stmts.byName.all({
      lo: prefix,
      hi: `${prefix}\uffff`,
      limit,
    }) as PersonSummaryRow[];
  }

  /** Last-name-first keys starting with `prefix`, e.g. "svensson a". */
  bySortPrefix(prefix: string, limit: number): PersonSummaryRow[] {
    return this.stmts.bySort.all({
      lo: prefix,
      hi: `${prefix}\uffff`,
      limit,
    }) as PersonSummaryRow[];
  }

  /** First or last name starting with `prefix` and other words anywhere; scans ≤ `cap` rows. */
  byNameWords(q: NamePrefixQuery, cap = 2000): PersonSummaryRow[] {
    const p = { ...params(q), cap };
    return [
      ...this.stmts.byNameWords.all(p),
      ...this.stmts.bySortWords.all(p),
    ] as PersonSummaryRow[];
  }

  byUpnPrefix(prefix: string, limit: number): PersonSummaryRow[] {
    return this.stmts.byUpnPrefix.all({
      lo: prefix,
      hi: `${prefix}\uffff`,
      limit,
    }) as PersonSummaryRow[];
  }

  firstPage(limit: number): PersonSummaryRow[] {
    return this.stmts.firstPage.all(limit) as PersonSummaryRow[];
  }

  methodCounts(ids: readonly number[]): Map<number, number> {
    const rows = this.stmts.methodCounts.all(JSON.stringify(ids)) as { id: number; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  /** Every person, oldest first (imports and exports stream this). */
  all(): IterableIterator<PersonRow> {
    return this.stmts.roster.iterate() as IterableIterator<PersonRow>;
  }
}

function params(q: NamePrefixQuery) {
  return {
    lo: q.prefix,
    hi: `${q.prefix}\uffff`,
    w2: q.otherWords[0] ?? '',
    w3: q.otherWords[1] ?? '',
    w4: q.otherWords[2] ?? '',
    limit: q.limit,
  };
}

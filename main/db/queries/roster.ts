/**
 * Queries of the roster read model (migration 009, docs/ROSTER.md): roster pages with keyset
 * cursors, the department list and the dashboard. Each answer is one or a few index ranges or
 * counter-table reads; none runs a query per person.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../connection';
import type { PersonRow } from '../repositories/people';
import { ROSTER_MASKS } from '../migrations/009_roster_read_model';

export { REG_STATE, ROSTER_KIND_BITS, ROSTER_MASKS } from '../migrations/009_roster_read_model';

export type RegStateCode = 0 | 1 | 2;

/** Which people a page or a count covers. Demo visibility is applied here, once, in SQL. */
export interface RosterScope {
  /** false on a production station: the demo organization's people are left out. */
  readonly includeDemo: boolean;
}

export interface RosterFilter extends RosterScope {
  readonly department: string | null;
  readonly state: RegStateCode | null;
}

/**
 * What a typed search matches (folded as in searchKeys): a prefix of the name or of the
 * last-name-first key, a UPN prefix, and for several words the longest word as a prefix of
 * either key with each other word starting some word of the name.
 */
export interface RosterSearch {
  readonly phrase: string;
  readonly upnPrefix: string | null;
  readonly words: { readonly driver: string; readonly others: readonly string[] } | null;
}

/** Where a page ends: the segment of the search, the sort key there, and the person's id. */
export interface RosterCursor {
  readonly segment: string;
  readonly key: string;
  readonly id: number;
}

/** One security key with its person, for the WebAuthn export. */
export interface KeyExportRow {
  upn: string;
  display_name: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  credential_id: Buffer;
  public_key: Buffer;
  aaguid: string;
  model_name: string;
  sign_count: number;
  transports: string;
  attestation_format: string;
  rp_id: string;
  user_handle: Buffer;
  registration_json: string | null;
}

export interface RosterPageRow {
  id: number;
  upn: string;
  display_name: string;
  department: string;
  status: 'active' | 'disabled';
  method_count: number;
  reg_state: RegStateCode;
}

interface Segment {
  readonly name: string;
  /** Matches this segment (before excluding earlier segments). */
  readonly match: string;
  /** The sort key; an index orders the segment's range by (key, id). */
  readonly key: string;
  /** Forces the index that reads the range in order with the filters inside it. */
  readonly index?: string;
}

const RANGE = (col: string, lo: string, hi: string) => `(${col} >= @${lo} AND ${col} < @${hi})`;
const OTHER_WORDS = [0, 1, 2]
  .map((i) => `(@w${i} = '' OR instr(' ' || p.search_name, ' ' || @w${i}) > 0)`)
  .join(' AND ');

/** The segments of a search in page order: name prefix first, then the other matches. */
function segmentsOf(search: RosterSearch | null): Segment[] {
  if (!search) return [{ name: 'all', match: '1', key: 'p.search_name' }];
  const segments: Segment[] = [];
  if (search.phrase) {
    segments.push({
      name: 'name',
      match: RANGE('p.search_name', 'lo', 'hi'),
      key: 'p.search_name',
    });
    segments.push({
      name: 'sort',
      match: RANGE('p.search_sort', 'lo', 'hi'),
      key: 'p.search_sort',
      index: 'roster_by_sort',
    });
  }
  if (search.upnPrefix !== null)
    segments.push({ name: 'upn', match: RANGE('p.upn', 'ulo', 'uhi'), key: 'p.upn' });
  if (search.words) {
    segments.push({
      name: 'wordsName',
      match: `(${RANGE('p.search_name', 'dlo', 'dhi')} AND ${OTHER_WORDS})`,
      key: 'p.search_name',
    });
    segments.push({
      name: 'wordsSort',
      match: `(${RANGE('p.search_sort', 'dlo', 'dhi')} AND ${OTHER_WORDS})`,
      key: 'p.search_sort',
      index: 'roster_by_sort',
    });
  }
  return segments;
}

const PAGE_COLUMNS =
  'p.id, p.upn, p.display_name, p.department, p.status, p.method_count, p.reg_state';

const visible = (scope: RosterScope): string => (scope.includeDemo ? '' : ' AND p.demo = 0');

/** The roster read model's SQL; statements are prepared once per shape and reused. */
export class RosterQueries {
  private readonly cache = new Map<string, Statement>();
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      standing: db.prepare('SELECT method_count, reg_state, demo FROM people WHERE id = ?'),
      fingerprint: db.prepare('SELECT fingerprint FROM roster_rules_source WHERE id = 1'),
      rules: db.prepare('SELECT mask, state FROM roster_rules ORDER BY mask'),
      setRule: db.prepare('UPDATE roster_rules SET state = ? WHERE mask = ?'),
      setFingerprint: db.prepare('UPDATE roster_rules_source SET fingerprint = ? WHERE id = 1'),
      restate: db.prepare(
        `UPDATE people SET reg_state = (SELECT state FROM roster_rules WHERE mask = people.method_kinds)
         WHERE method_kinds IN (SELECT value FROM json_each(?))`,
      ),
      // Index-only over roster_by_department_state; hidden demo people taken off (see below).
      peopleCounts: db.prepare(
        `SELECT department, reg_state, sum(n) AS n FROM (
           SELECT department, reg_state, count(*) AS n FROM people GROUP BY department, reg_state
           UNION ALL
           SELECT department, reg_state, -count(*) FROM people p INDEXED BY roster_demo_people
           WHERE p.demo = 1 AND @includeDemo = 0 GROUP BY department, reg_state)
         GROUP BY department, reg_state HAVING sum(n) > 0`,
      ),
      // Hidden demo people's methods and keys are few; they are found by a partial index and
      // taken off the counters.
      methodCounts: db.prepare(
        `SELECT kind, sum(n) AS n FROM (
           SELECT kind, n FROM roster_method_counts
           UNION ALL
           SELECT m.kind, -count(*) FROM people p INDEXED BY roster_demo_people
             JOIN methods m ON m.person_id = p.id
           WHERE p.demo = 1 AND @includeDemo = 0 GROUP BY m.kind)
         GROUP BY kind HAVING sum(n) > 0`,
      ),
      keyModels: db.prepare(
        `SELECT model_name, max(aaguid = @virtualAaguid) AS virtual, sum(n) AS n FROM (
           SELECT model_name, aaguid, n FROM roster_key_models
           UNION ALL
           SELECT k.model_name, k.aaguid, -count(*) FROM people p INDEXED BY roster_demo_people
             JOIN methods m ON m.person_id = p.id
             JOIN security_key_credentials k ON k.method_id = m.id
           WHERE p.demo = 1 AND @includeDemo = 0 GROUP BY k.model_name, k.aaguid)
         GROUP BY model_name HAVING sum(n) > 0`,
      ),
      people: db.prepare(
        'SELECT * FROM people p WHERE (@includeDemo = 1 OR p.demo = 0) ORDER BY p.id',
      ),
      keyExport: db.prepare(
        `SELECT p.upn, p.display_name, m.label, m.created_at, m.last_used_at, k.*
         FROM security_key_credentials k JOIN methods m ON m.id = k.method_id
           JOIN people p ON p.id = m.person_id
         WHERE (@person IS NULL OR p.id = @person) AND (@includeDemo = 1 OR p.demo = 0)
         ORDER BY p.id, m.id`,
      ),
      // Per page: the people's unused, unexpired creation options (one statement per page).
      challengeReady: db.prepare(
        `SELECT person_id, max(expires_at) AS until FROM idp_creation_options
         WHERE person_id IN (SELECT value FROM json_each(@ids)) AND used_at IS NULL
           AND expires_at > @now
         GROUP BY person_id`,
      ),
      // One index seek per department (a skip scan of roster_by_department), not a scan of
      // everyone; on a production station a department only the demo people are in is left out.
      departments: db.prepare(
        `WITH RECURSIVE d(department) AS (
           SELECT min(department) FROM people WHERE department > ''
           UNION ALL
           SELECT (SELECT min(department) FROM people WHERE department > d.department)
           FROM d WHERE d.department IS NOT NULL)
         SELECT department FROM d WHERE department IS NOT NULL AND (@includeDemo = 1 OR EXISTS
           (SELECT 1 FROM people p WHERE p.department = d.department AND p.demo = 0))`,
      ),
    };
  }

  /** Until when each of these people has a provider challenge ready (docs/PROVISIONING.md). */
  challengeReady(personIds: readonly number[], now: string): Map<number, string> {
    if (personIds.length === 0) return new Map();
    const rows = this.stmts.challengeReady.all({ ids: JSON.stringify(personIds), now }) as {
      person_id: number;
      until: string;
    }[];
    return new Map(rows.map((r) => [r.person_id, r.until]));
  }

  private prepared(key: string, sql: () => string): Statement {
    let s = this.cache.get(key);
    if (!s) this.cache.set(key, (s = this.db.prepare(sql())));
    return s;
  }

  /**
   * One page of the roster in a fixed order, after `cursor` (null: from the start). A search
   * runs its segments in order, each one ordered index range with the filters applied in the
   * same statement, until the page is full; `next` is null when nothing follows.
   */
  page(
    filter: RosterFilter,
    search: RosterSearch | null,
    cursor: RosterCursor | null,
    limit: number,
  ): { rows: RosterPageRow[]; next: RosterCursor | null } {
    const segments = segmentsOf(search);
    let start = 0;
    if (cursor) {
      start = segments.findIndex((s) => s.name === cursor.segment);
      if (start < 0) return { rows: [], next: null };
    }
    const params = {
      ...(filter.department !== null ? { dept: filter.department } : {}),
      ...(filter.state !== null ? { state: filter.state } : {}),
      ...searchParams(search),
    };
    const rows: (RosterPageRow & { k: string; segment: string })[] = [];
    for (let i = start; i < segments.length && rows.length <= limit; i++) {
      const seg = segments[i];
      const after = cursor && i === start ? cursor : null;
      const shape = [search ? 'search' : 'all', seg.name, filter.department !== null];
      shape.push(filter.state !== null, filter.includeDemo, after !== null);
      const stmt = this.prepared(shape.join(':'), () => {
        const where = [
          seg.match,
          ...segments.slice(0, i).map((s) => `NOT ${s.match}`),
          filter.department !== null ? 'p.department = @dept' : '',
          filter.state !== null ? 'p.reg_state = @state' : '',
          after ? `(${seg.key}, p.id) > (@ck, @ci)` : '',
        ].filter(Boolean);
        const from = seg.index ? `people p INDEXED BY ${seg.index}` : 'people p';
        return `SELECT ${PAGE_COLUMNS}, ${seg.key} AS k FROM ${from}
          WHERE ${where.join(' AND ')}${visible(filter)}
          ORDER BY ${seg.key}, p.id LIMIT @n`;
      });
      const got = stmt.all({
        ...params,
        ...(after ? { ck: after.key, ci: after.id } : {}),
        n: limit + 1 - rows.length,
      }) as (RosterPageRow & { k: string })[];
      for (const r of got) rows.push({ ...r, segment: seg.name });
    }
    if (rows.length <= limit) return { rows: rows.map(strip), next: null };
    // One more row than asked for exists: the page ends at its last row.
    const last = rows[limit - 1];
    return {
      rows: rows.slice(0, limit).map(strip),
      next: { segment: last.segment, key: last.k, id: last.id },
    };
  }

  /** Departments with at least one person in scope, for the filter. */
  departments(scope: RosterScope): string[] {
    return (
      this.stmts.departments.all({ includeDemo: scope.includeDemo ? 1 : 0 }) as {
        department: string;
      }[]
    ).map((r) => r.department);
  }

  /** People per department and registration state. */
  peopleCounts(scope: RosterScope): { department: string; reg_state: RegStateCode; n: number }[] {
    return this.stmts.peopleCounts.all({ includeDemo: scope.includeDemo ? 1 : 0 }) as {
      department: string;
      reg_state: RegStateCode;
      n: number;
    }[];
  }

  methodCounts(scope: RosterScope): { kind: string; n: number }[] {
    return this.stmts.methodCounts.all({ includeDemo: scope.includeDemo ? 1 : 0 }) as {
      kind: string;
      n: number;
    }[];
  }

  keyModels(
    scope: RosterScope,
    virtualAaguid: string,
  ): { model_name: string; virtual: number; n: number }[] {
    return this.stmts.keyModels.all({
      includeDemo: scope.includeDemo ? 1 : 0,
      virtualAaguid,
    }) as { model_name: string; virtual: number; n: number }[];
  }

  /** Every person in scope, oldest first (the who-has-what report streams this). */
  people(scope: RosterScope): IterableIterator<PersonRow> {
    return this.stmts.people.iterate({
      includeDemo: scope.includeDemo ? 1 : 0,
    }) as IterableIterator<PersonRow>;
  }

  /** Security keys in scope, of one person or of everyone. */
  keyExport(personId: number | null, scope: RosterScope): KeyExportRow[] {
    return this.stmts.keyExport.all({
      person: personId,
      includeDemo: scope.includeDemo ? 1 : 0,
    }) as KeyExportRow[];
  }

  /** A person's method count and state, or undefined when there is no such person. */
  standing(
    personId: number,
  ): { method_count: number; reg_state: RegStateCode; demo: number } | undefined {
    return this.stmts.standing.get(personId) as
      { method_count: number; reg_state: RegStateCode; demo: number } | undefined;
  }

  /** Which registration rule `roster_rules` was last built for. */
  rulesFingerprint(): string {
    return (this.stmts.fingerprint.get() as { fingerprint: string }).fingerprint;
  }

  /**
   * Rewrites the mask → state table for a new registration rule and moves the people whose
   * state changes; call inside a transaction (the counters follow through the triggers).
   */
  replaceRules(states: readonly RegStateCode[], fingerprint: string): void {
    if (states.length !== ROSTER_MASKS) throw new Error('roster rules: one state per mask');
    if (!this.db.inTransaction) throw new Error('RosterQueries.replaceRules needs a transaction');
    const current = this.stmts.rules.all() as { mask: number; state: number }[];
    const changed = current.filter((r) => r.state !== states[r.mask]).map((r) => r.mask);
    for (const mask of changed) this.stmts.setRule.run(states[mask], mask);
    if (changed.length) this.stmts.restate.run(JSON.stringify(changed));
    this.stmts.setFingerprint.run(fingerprint);
  }
}

function strip(r: RosterPageRow & { k: string }): RosterPageRow {
  return {
    id: r.id,
    upn: r.upn,
    display_name: r.display_name,
    department: r.department,
    status: r.status,
    method_count: r.method_count,
    reg_state: r.reg_state,
  };
}

function searchParams(search: RosterSearch | null): Record<string, string> {
  if (!search) return {};
  const p: Record<string, string> = {};
  if (search.phrase) {
    p.lo = search.phrase;
    p.hi = `${search.phrase}\uffff`;
  }
  if (search.upnPrefix !== null) {
    p.ulo = search.upnPrefix;
    p.uhi = `${search.upnPrefix}\uffff`;
  }
  if (search.words) {
    p.dlo = search.words.driver;
    p.dhi = `${search.words.driver}\uffff`;
    for (let i = 0; i < 3; i++) p[`w${i}`] = search.words.others[i] ?? '';
  }
  return p;
}

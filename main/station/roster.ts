import {
  REG_STATE,
  ROSTER_KIND_BITS,
  ROSTER_MASKS,
  RosterQueries,
  type RegStateCode,
  type RosterCursor,
  type RosterSearch,
} from '../db/queries/roster';
import { MethodRepository } from '../db/repositories/methods';
import { foldForSearch } from '../db/searchKeys';
import { VIRTUAL_KEY_AAGUID } from '../../native/virtual-key/identity';
import { PeopleRepository, type PersonRow } from '../db/repositories/people';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { StationContext } from './context';
import { csvLine, headerColumns, parseCsv } from './csv';
import { StationError, type RowError } from './errors';
import type { Policy } from './policy';
import { UPN_MAX, UPN_PATTERN } from './people';
import { METHOD_KINDS, isMfaKind, type MethodKind, type PersonId } from './types';

/** Where a person stands with the policy's registration requirement (DESIGN.md §2). */
export type RegistrationState = keyof typeof REG_STATE;
export const REGISTRATION_STATES = ['notStarted', 'incomplete', 'complete'] as const;

/** The largest roster page a caller may ask for. */
export const ROSTER_PAGE_MAX = 500;

export interface RosterQuery {
  /** Typed search (name, last name first, UPN prefix); empty lists the whole roster. */
  readonly query?: string;
  readonly department?: string | null;
  readonly registration?: RegistrationState | 'all';
  readonly limit?: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  readonly cursor?: string | null;
}

export interface RosterEntry {
  readonly id: PersonId;
  readonly upn: string;
  readonly displayName: string;
  readonly department: string;
  readonly status: 'active' | 'disabled';
  readonly methodCount: number;
  readonly registration: RegistrationState;
  /** The provider's creation options are ready until then (ISO), else null. */
  readonly challengeReadyUntil: string | null;
}

export interface RosterPageResult {
  readonly people: RosterEntry[];
  /** Opaque; null when this page is the last one. */
  readonly nextCursor: string | null;
  /** Departments with at least one visible person, for the filter. */
  readonly departments: string[];
}

export interface StateCounts {
  complete: number;
  incomplete: number;
  notStarted: number;
}

export interface RosterDashboard {
  readonly total: StateCounts;
  readonly byDepartment: ({ department: string } & StateCounts)[];
  readonly methodsByKind: { kind: MethodKind; count: number }[];
  readonly keysByModel: { model: string; count: number; virtual: boolean }[];
}

const STATE_NAMES: readonly RegistrationState[] = ['notStarted', 'incomplete', 'complete'];

export const ROSTER_COLUMNS = ['upn', 'display name', 'department', 'email', 'mobile'] as const;

export interface RosterPreview {
  readonly rows: { line: number; upn: string; action: 'create' | 'update' | 'unchanged' }[];
  readonly errors: RowError[];
  readonly create: number;
  readonly update: number;
  readonly unchanged: number;
}

export interface RosterImportResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly errors: RowError[];
}

/** A registry-neutral record of a security key credential (what an IdP needs to import it). */
export interface WebAuthnRegistrationExport {
  readonly upn: string;
  readonly displayName: string;
  readonly keyName: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly rpId: string;
  readonly credential: {
    readonly id: string; // base64url
    readonly publicKey: string; // base64url COSE_Key
    readonly counter: number;
    readonly transports: string[];
    readonly aaguid: string;
    readonly model: string;
    readonly attestationFormat: string;
    readonly userHandle: string; // base64url
  };
  /** The standard WebAuthn RegistrationResponseJSON from enrollment (null for older keys). */
  readonly registration: RegistrationResponseJSON | null;
}

// Light checks only: the roster's email/mobile are hints; phone numbers are parsed properly
// when a person registers one, which keeps a 100 000-row import well under five seconds.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^\+?[0-9][0-9 ()-]{4,24}$/;

interface Candidate {
  line: number;
  upn: string;
  displayName: string;
  department: string;
  email: string;
  mobile: string;
}

export interface WebAuthnExportResult {
  readonly exportedAt: string;
  /** The person's UPN, or null for the whole roster. */
  readonly person: string | null;
  readonly keys: WebAuthnRegistrationExport[];
}

/** "Complete" as MethodRegistry.registrationStatus computes it, from a set of kinds. */
export function registrationComplete(policy: Policy, kinds: ReadonlySet<MethodKind>): boolean {
  const allowed = [...kinds].filter((k) => policy.allowedMethods.includes(k));
  if (!policy.registration.requiredKinds.every((k) => allowed.includes(k))) return false;
  if (allowed.length < policy.registration.requiredCount) return false;
  return !policy.allowedMethods.some(isMfaKind) || allowed.some(isMfaKind);
}

/** The state of every mask of kinds under a policy (index = mask, see ROSTER_KIND_BITS). */
export function registrationStates(policy: Policy): RegStateCode[] {
  const states: RegStateCode[] = [];
  for (let mask = 0; mask < ROSTER_MASKS; mask++) {
    const kinds = new Set(METHOD_KINDS.filter((k) => (mask & ROSTER_KIND_BITS[k]) !== 0));
    states.push(
      mask === 0
        ? REG_STATE.notStarted
        : registrationComplete(policy, kinds)
          ? REG_STATE.complete
          : REG_STATE.incomplete,
    );
  }
  return states;
}

/** Reads a cursor this service wrote; anything else is refused as invalid input. */
function decodeCursor(cursor: string): RosterCursor {
  const bad = new StationError('input.invalid', { field: 'cursor' });
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    typeof v[0] !== 'string' ||
    typeof v[1] !== 'string' ||
    !Number.isSafeInteger(v[2])
  )
    throw bad;
  return { segment: v[0], key: v[1], id: v[2] as number };
}

function encodeCursor(c: RosterCursor): string {
  return Buffer.from(JSON.stringify([c.segment, c.key, c.id]), 'utf8').toString('base64url');
}

/**
 * What a typed query matches, as in PeopleService.search: name or last-name-first prefixes,
 * several words in any order, a UPN prefix. Null: no query, the whole roster.
 */
export function rosterSearch(typed: string): RosterSearch | null {
  const raw = typed.trim().slice(0, 256);
  if (raw === '') return null;
  const words = foldForSearch(raw).replace(/[@.]/g, ' ').split(' ').filter(Boolean).slice(0, 4);
  const noSpace = !/\s/.test(raw);
  const upnLike = noSpace && /[@.]/.test(raw);
  const driver = [...words].sort((a, b) => b.length - a.length)[0] ?? '';
  return {
    phrase: words.join(' '),
    upnPrefix: noSpace ? raw : null,
    words:
      words.length > 1 && !upnLike
        ? { driver, others: words.filter((_, i) => i !== words.indexOf(driver)) }
        : null,
  };
}

/**
 * Roster CSV import (preview with per-row errors, then one transaction), the exports (DESIGN.md §6),
 * and the roster read model: pages with filters and cursors, the dashboard (docs/ROSTER.md).
 */
export class RosterService {
  private readonly people: PeopleRepository;
  private readonly methods: MethodRepository;
  private readonly queries: RosterQueries;
  /** The registration rule the read model's states were last computed for. */
  private rulesFor: string;

  constructor(private readonly ctx: StationContext) {
    this.people = new PeopleRepository(ctx.db);
    this.methods = new MethodRepository(ctx.db);
    this.queries = new RosterQueries(ctx.db);
    this.rulesFor = this.queries.rulesFingerprint();
    this.currentRules();
  }

  /** Production stations leave the demo organization's people out of every answer. */
  private scope(): { includeDemo: boolean } {
    return { includeDemo: this.ctx.mode === 'demo' };
  }

  /**
   * Keeps the read model's states on the current policy's registration rule. Policy changes
   * are rare; when one changed the rule, the people whose state moves are rewritten in one
   * transaction before the answer is read.
   */
  private currentRules(): void {
    const policy = this.ctx.policy();
    const fingerprint = JSON.stringify([
      [...policy.allowedMethods].sort(),
      [...policy.registration.requiredKinds].sort(),
      policy.registration.requiredCount,
    ]);
    if (fingerprint === this.rulesFor) return;
    const states = registrationStates(policy);
    this.ctx.db.transaction(() => this.queries.replaceRules(states, fingerprint))();
    this.rulesFor = fingerprint;
  }

  /** One page of the roster: search, department and registration filters, keyset paging. */
  list(q: RosterQuery = {}): RosterPageResult {
    this.ctx.session.assertStaff();
    this.currentRules();
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 200), 1), ROSTER_PAGE_MAX);
    const registration = q.registration ?? 'all';
    if (registration !== 'all' && !STATE_NAMES.includes(registration))
      throw new StationError('input.invalid', { field: 'registration' });
    const scope = this.scope();
    const page = this.queries.page(
      {
        ...scope,
        department: q.department ? q.department : null,
        state: registration === 'all' ? null : REG_STATE[registration],
      },
      rosterSearch(q.query ?? ''),
      q.cursor ? decodeCursor(q.cursor) : null,
      limit,
    );
    const ready = this.queries.challengeReady(
      page.rows.map((r) => r.id),
      this.ctx.clock().toISOString(),
    );
    return {
      people: page.rows.map((r) => ({
        id: r.id,
        upn: r.upn,
        displayName: r.display_name,
        department: r.department,
        status: r.status,
        methodCount: r.method_count,
        registration: STATE_NAMES[r.reg_state],
        challengeReadyUntil: ready.get(r.id) ?? null,
      })),
      nextCursor: page.next ? encodeCursor(page.next) : null,
      departments: this.queries.departments(scope),
    };
  }

  /** Method count and registration state of one visible person (the person page). */
  standing(personId: PersonId): { methodCount: number; registration: RegistrationState } {
    this.currentRules();
    const s = Number.isSafeInteger(personId) ? this.queries.standing(personId) : undefined;
    if (!s || (s.demo === 1 && !this.scope().includeDemo))
      throw new StationError('person.notFound');
    return { methodCount: s.method_count, registration: STATE_NAMES[s.reg_state] };
  }

  /** The operator dashboard: counts by state and department, methods by kind, keys by model. */
  dashboard(): RosterDashboard {
    this.ctx.session.assertStaff();
    this.currentRules();
    const scope = this.scope();
    const empty = (): StateCounts => ({ complete: 0, incomplete: 0, notStarted: 0 });
    const total = empty();
    const byDepartment = new Map<string, StateCounts>();
    for (const row of this.queries.peopleCounts(scope)) {
      const state = STATE_NAMES[row.reg_state];
      total[state] += row.n;
      let d = byDepartment.get(row.department);
      if (!d) byDepartment.set(row.department, (d = empty()));
      d[state] += row.n;
    }
    return {
      total,
      byDepartment: [...byDepartment.entries()]
        .map(([department, c]) => ({ department, ...c }))
        .sort((a, b) => a.department.localeCompare(b.department)),
      methodsByKind: this.queries
        .methodCounts(scope)
        .map((r) => ({ kind: r.kind as MethodKind, count: r.n }))
        .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      keysByModel: this.queries
        .keyModels(scope, VIRTUAL_KEY_AAGUID)
        .map((r) => ({ model: r.model_name, count: r.n, virtual: r.virtual === 1 }))
        .sort((a, b) => b.count - a.count || a.model.localeCompare(b.model)),
    };
  }

  private analyse(csv: string): {
    candidates: (Candidate & { action: 'create' | 'update' | 'unchanged'; previous?: PersonRow })[];
    errors: RowError[];
  } {
    const table = parseCsv(csv);
    const col = headerColumns(table, ['upn', 'display name'], ROSTER_COLUMNS);
    const existing = new Map<string, PersonRow>();
    for (const row of this.people.all()) existing.set(row.upn.toLowerCase(), row);
    const errors: RowError[] = [];
    const seen = new Set<string>();
    const candidates: (Candidate & {
      action: 'create' | 'update' | 'unchanged';
      previous?: PersonRow;
    })[] = [];
    const idx = ROSTER_COLUMNS.map((c) => col.get(c) ?? -1);
    for (const { line, cells } of table.rows) {
      const get = (i: number): string => (idx[i] >= 0 ? (cells[idx[i]] ?? '').trim() : '');
      const c: Candidate = {
        line,
        upn: get(0),
        displayName: get(1),
        department: get(2),
        email: get(3),
        mobile: get(4),
      };
      const before = errors.length;
      const key = c.upn.toLowerCase();
      if (!c.upn) errors.push({ line, code: 'row.missingField', params: { field: 'upn' } });
      else if (c.upn.length > UPN_MAX || !UPN_PATTERN.test(c.upn))
        errors.push({ line, code: 'row.invalidUpn' });
      else if (seen.has(key))
        errors.push({ line, code: 'row.duplicate', params: { field: 'upn' } });
      if (!c.displayName)
        errors.push({ line, code: 'row.missingField', params: { field: 'display name' } });
      else if (c.displayName.length > 256)
        errors.push({ line, code: 'row.tooLong', params: { field: 'display name', max: 256 } });
      if (c.department.length > 128)
        errors.push({ line, code: 'row.tooLong', params: { field: 'department', max: 128 } });
      if (c.email && (c.email.length > 254 || !EMAIL.test(c.email)))
        errors.push({ line, code: 'row.invalidEmail' });
      if (c.mobile && !MOBILE.test(c.mobile)) errors.push({ line, code: 'row.invalidPhone' });
      seen.add(key);
      if (errors.length !== before) continue;
      const old = existing.get(key);
      if (!old) candidates.push({ ...c, action: 'create' });
      else {
        const same =
          old.display_name === c.displayName &&
          old.department === c.department &&
          old.email === c.email &&
          old.mobile === c.mobile;
        candidates.push({ ...c, action: same ? 'unchanged' : 'update', previous: old });
      }
    }
    return { candidates, errors };
  }

  preview(csv: string): RosterPreview {
    this.ctx.session.assertStaff();
    const { candidates, errors } = this.analyse(csv);
    const count = (a: string): number => candidates.filter((c) => c.action === a).length;
    return {
      rows: candidates.map((c) => ({ line: c.line, upn: c.upn, action: c.action })),
      errors,
      create: count('create'),
      update: count('update'),
      unchanged: count('unchanged'),
    };
  }

  /** Applies every valid row in one transaction, with one audit row for the import. */
  import(csv: string): RosterImportResult {
    this.ctx.session.assertStaff();
    const { candidates, errors } = this.analyse(csv);
    const now = this.ctx.clock().toISOString();
    let created = 0;
    let updated = 0;
    // A large import fits in the page cache instead of spilling into the WAL mid-transaction.
    const cacheSize = this.ctx.db.pragma('cache_size', { simple: true }) as number;
    if (candidates.length > 10_000) this.ctx.db.pragma('cache_size = -262144');
    try {
      this.ctx.db.transaction(() => {
        for (const c of candidates) {
          if (c.action === 'create') {
            this.people.insert(c, now);
            created++;
          } else if (c.action === 'update') {
            const old = c.previous as PersonRow;
            this.people.update(
              old.id,
              {
                ...c,
                status: old.status,
                ssprEnabled: old.sspr_enabled === 1,
                passwordManagedExternally: old.password_managed_externally === 1,
              },
              now,
            );
            updated++;
          }
        }
        this.ctx.audit.append('roster.imported', null, {
          created,
          updated,
          // Rows, not problems: one row can break several rules.
          rejected: new Set(errors.map((e) => e.line)).size,
        });
      })();
    } finally {
      this.ctx.db.pragma(`cache_size = ${cacheSize}`);
    }
    return { created, updated, unchanged: candidates.length - created - updated, errors };
  }

  /** "Who has what": one line per person, counts per kind, default, completeness, SSPR. */
  exportReportCsv(): string {
    this.ctx.session.assertStaff();
    const policy = this.ctx.policy();
    const perPerson = new Map<
      number,
      { kinds: Map<MethodKind, number>; defaultKind: MethodKind | '' }
    >();
    for (const row of this.methods.kindCounts()) {
      let e = perPerson.get(row.person_id);
      if (!e) perPerson.set(row.person_id, (e = { kinds: new Map(), defaultKind: '' }));
      e.kinds.set(row.kind, row.n);
      if (row.d === 1) e.defaultKind = row.kind;
    }
    const lines = [
      csvLine([
        'upn',
        'display name',
        'department',
        'status',
        ...METHOD_KINDS,
        'default method',
        'registration complete',
        'sspr ready',
      ]),
    ];
    for (const p of this.queries.people(this.scope())) {
      const e = perPerson.get(p.id);
      const kinds = new Set(e ? [...e.kinds.keys()] : []);
      const ssprKinds = [...kinds].filter((k) => policy.allowedMethods.includes(k)).length;
      const ssprReady =
        policy.sspr.enabled &&
        p.sspr_enabled === 1 &&
        p.password_managed_externally === 0 &&
        ssprKinds >= policy.sspr.requiredMethods;
      lines.push(
        csvLine([
          p.upn,
          p.display_name,
          p.department,
          p.status,
          ...METHOD_KINDS.map((k) => e?.kinds.get(k) ?? 0),
          e?.defaultKind ?? '',
          registrationComplete(policy, kinds) ? 'yes' : 'no',
          ssprReady ? 'yes' : 'no',
        ]),
      );
    }
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('registry.exported', null, {
        report: 'methods',
        people: lines.length - 1,
      }),
    )();
    return lines.join('\r\n') + '\r\n';
  }

  /**
   * Security keys as standard WebAuthn registration JSON, of one person or of the whole roster
   * (DESIGN.md §6): operator work, recorded in the audit log with who took it. A hidden demo person
   * is answered like one that does not exist.
   */
  exportWebAuthn(personId?: PersonId): WebAuthnExportResult {
    this.ctx.session.assertStaff();
    const person = personId === undefined ? null : this.visiblePerson(personId);
    const keys = this.keyRegistrations(person?.id ?? null);
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('registry.exported', person?.id ?? null, {
        format: 'webauthn',
        keys: keys.length,
      }),
    )();
    return { exportedAt: this.ctx.clock().toISOString(), person: person?.upn ?? null, keys };
  }

  private visiblePerson(personId: PersonId): PersonRow {
    const p = Number.isSafeInteger(personId) ? this.people.byId(personId) : undefined;
    if (!p || (p.demo === 1 && !this.scope().includeDemo))
      throw new StationError('person.notFound');
    return p;
  }

  private keyRegistrations(personId: PersonId | null): WebAuthnRegistrationExport[] {
    const rows = this.queries.keyExport(personId, this.scope());
    return rows.map((r) => ({
      upn: r.upn,
      displayName: r.display_name,
      keyName: r.label,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      rpId: r.rp_id,
      credential: {
        id: Buffer.from(r.credential_id).toString('base64url'),
        publicKey: Buffer.from(r.public_key).toString('base64url'),
        counter: r.sign_count,
        transports: JSON.parse(r.transports) as string[],
        aaguid: r.aaguid,
        model: r.model_name,
        attestationFormat: r.attestation_format,
        userHandle: Buffer.from(r.user_handle).toString('base64url'),
      },
      registration: r.registration_json
        ? (JSON.parse(r.registration_json) as RegistrationResponseJSON)
        : null,
    }));
  }

  /** The audit log as JSON lines, oldest first. */
  exportAudit(): string {
    this.ctx.session.assertStaff();
    const out: string[] = [];
    for (const e of this.ctx.audit.all()) out.push(JSON.stringify(e));
    // Last, the signed checkpoint of the head (main/station/auditAnchor.ts).
    out.push(JSON.stringify({ checkpoint: this.ctx.audit.checkpoint() }));
    return out.join('\n') + '\n';
  }
}

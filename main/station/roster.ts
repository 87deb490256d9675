import { MethodRepository } from '../db/repositories/methods';
import { PeopleRepository, type PersonRow } from '../db/repositories/people';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { StationContext } from './context';
import { csvLine, parseCsv } from './csv';
import { StationError, type RowError } from './errors';
import type { Policy } from './policy';
import { UPN_MAX, UPN_PATTERN } from './people';
import { METHOD_KINDS, isMfaKind, type MethodKind, type PersonId } from './types';

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

/** "Complete" as MethodRegistry.registrationStatus computes it, from a set of kinds. */
export function registrationComplete(policy: Policy, kinds: ReadonlySet<MethodKind>): boolean {
  const allowed = [...kinds].filter((k) => policy.allowedMethods.includes(k));
  if (!policy.registration.requiredKinds.every((k) => allowed.includes(k))) return false;
  if (allowed.length < policy.registration.requiredCount) return false;
  return !policy.allowedMethods.some(isMfaKind) || allowed.some(isMfaKind);
}

/** Roster CSV import (preview with per-row errors, then one transaction) and the exports (SPEC §6). */
export class RosterService {
  private readonly people: PeopleRepository;
  private readonly methods: MethodRepository;

  constructor(private readonly ctx: StationContext) {
    this.people = new PeopleRepository(ctx.db);
    this.methods = new MethodRepository(ctx.db);
  }

  private analyse(csv: string): {
    candidates: (Candidate & { action: 'create' | 'update' | 'unchanged'; previous?: PersonRow })[];
    errors: RowError[];
  } {
    const table = parseCsv(csv);
    if (table.header.length === 0) throw new StationError('csv.empty');
    const col = new Map(table.header.map((h, i) => [h, i]));
    for (const c of ['upn', 'display name'] as const)
      if (!col.has(c)) throw new StationError('csv.missingColumn', { column: c });
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
          rejected: errors.length,
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
    for (const p of this.people.all()) {
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

  exportWebAuthn(personId?: PersonId): WebAuthnRegistrationExport[] {
    if (personId === undefined) this.ctx.session.assertStaff();
    else this.ctx.session.assertMayActOn(personId);
    const rows = this.methods.keyExport(personId ?? null);
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
    return out.join('\n') + (out.length ? '\n' : '');
  }
}

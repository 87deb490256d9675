/** Roster for the operator console (SPEC §3.7, §6): list with filters, records, CSV import. */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  Dashboard,
  DashboardCounts,
  MethodKind,
  PersonRecord,
  RegistrationState,
  RosterRow,
} from '../../preload/contract';
import type {
  BackupReport,
  WebAuthnExport,
  WebAuthnKeyExport,
  WebAuthnRegistrationJSON,
} from '../../preload/contract/roster';
import { StationError, type Station } from '../station';
import { csvLine, parseCsv } from '../station/csv';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';
import type { StationAccess } from './operator';
import { personVisible } from './station-mode';

interface Standing {
  methodCount: number;
  registration: RegistrationState;
}

export function standingOf(station: Station, personId: number): Standing {
  const methods = station.methods.list(personId);
  if (methods.length === 0) return { methodCount: 0, registration: 'notStarted' };
  const complete = station.methods.registrationStatus(personId).complete;
  return { methodCount: methods.length, registration: complete ? 'complete' : 'incomplete' };
}

/** Production stations hide the demo organization's people (SPEC "demo mode"). */
function visible(access: StationAccess, upn: string): boolean {
  return personVisible(access.mode(), upn);
}

function allPeopleIds(station: Station): number[] {
  return (
    station.context.db.prepare('SELECT id FROM people ORDER BY display_name, id').all() as {
      id: number;
    }[]
  ).map((r) => r.id);
}

export function personRecord(station: Station, id: number): PersonRecord {
  const p = station.people.get(id);
  const standing = standingOf(station, id);
  const pass = station.passes.status(id);
  return {
    id: String(p.id),
    upn: p.upn,
    displayName: p.displayName,
    department: p.department ?? '',
    email: p.email ?? '',
    mobile: p.mobile ?? '',
    status: p.status,
    ...standing,
    pass: pass
      ? {
          issuedAt: pass.issuedAt,
          expiresAt: pass.expiresAt,
          oneTime: pass.oneTime,
          used: pass.used,
          expired: pass.expired,
        }
      : null,
  };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `keystation-20261122T013512Z.sqlite`: sortable, no characters a file system refuses. */
function backupFile(dir: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  let file = join(dir, `keystation-${stamp}.sqlite`);
  // Two backups in one second: a suffix, never overwriting (the service refuses that too).
  for (let n = 2; existsSync(file); n++) file = join(dir, `keystation-${stamp}-${n}.sqlite`);
  return file;
}

/**
 * Makes the copy one self-contained file (the live registry is WAL; a backup must not need
 * `-wal`/`-shm` companions) and counts what it holds — the copy, not the live registry.
 */
function finishCopy(file: string): { people: number; methods: number; integrityOk: boolean } {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const count = (table: 'people' | 'methods') =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      people: count('people'),
      methods: count('methods'),
      integrityOk: db.pragma('integrity_check', { simple: true }) === 'ok',
    };
  } finally {
    db.close();
  }
}

function emptyCounts(): DashboardCounts {
  return { complete: 0, incomplete: 0, notStarted: 0 };
}

export function rosterHandlers(station: Station, access: StationAccess): DomainHandlers<'roster'> {
  return {
    list({ query, department, registration = 'all', limit = 200 }) {
      const typed = query.trim();
      const ids =
        typed === ''
          ? allPeopleIds(station)
          : station.people.search(typed, { limit: 200 }).map((p) => p.id);
      const rows: RosterRow[] = [];
      let hasMore = false;
      for (const id of ids) {
        const p = station.people.find(id);
        if (!p || !visible(access, p.upn)) continue;
        if (department && (p.department ?? '') !== department) continue;
        const standing = standingOf(station, id);
        if (registration !== 'all' && standing.registration !== registration) continue;
        if (rows.length >= limit) {
          hasMore = true;
          break;
        }
        rows.push({
          id: String(p.id),
          upn: p.upn,
          displayName: p.displayName,
          department: p.department || null,
          status: p.status,
          ...standing,
        });
      }
      const departments = [
        ...new Set(
          (
            station.context.db
              .prepare(
                "SELECT upn, department FROM people WHERE department != '' ORDER BY department",
              )
              .all() as { upn: string; department: string }[]
          )
            .filter((r) => visible(access, r.upn))
            .map((r) => r.department),
        ),
      ];
      return { people: rows, hasMore, departments };
    },

    get({ personId }) {
      const id = registryId(personId);
      const p = station.people.find(id);
      // A hidden demo person is answered like one that does not exist.
      if (p && !visible(access, p.upn)) throw new StationError('person.notFound');
      return personRecord(station, id);
    },

    create(input) {
      const p = station.people.create({
        upn: input.upn,
        displayName: input.displayName,
        department: input.department,
        email: input.email,
        mobile: input.mobile,
      });
      return personRecord(station, p.id);
    },

    update({ personId, ...patch }) {
      const id = registryId(personId);
      station.people.update(id, patch);
      return personRecord(station, id);
    },

    previewImport({ csv }) {
      const r = station.roster.preview(csv);
      return {
        rows: r.rows.map((x) => ({ ...x })),
        errors: r.errors.map((e) => ({ line: e.line, code: e.code, params: e.params })),
        create: r.create,
        update: r.update,
        unchanged: r.unchanged,
      };
    },

    import({ csv }) {
      const r = station.roster.import(csv);
      return {
        created: r.created,
        updated: r.updated,
        unchanged: r.unchanged,
        errors: r.errors.map((e) => ({ line: e.line, code: e.code, params: e.params })),
      };
    },

    dashboard() {
      const total = emptyCounts();
      const byDepartment = new Map<string, DashboardCounts>();
      const kinds = new Map<MethodKind, number>();
      const models = new Map<string, { count: number; virtual: boolean }>();
      for (const id of allPeopleIds(station)) {
        const p = station.people.find(id);
        if (!p || !visible(access, p.upn)) continue;
        const methods = station.methods.list(id);
        const state: RegistrationState =
          methods.length === 0
            ? 'notStarted'
            : station.methods.registrationStatus(id).complete
              ? 'complete'
              : 'incomplete';
        total[state] += 1;
        const dep = p.department || '';
        const d = byDepartment.get(dep) ?? emptyCounts();
        d[state] += 1;
        byDepartment.set(dep, d);
        for (const m of methods) {
          kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
          if (m.securityKey) {
            const k = models.get(m.securityKey.model) ?? {
              count: 0,
              virtual: m.securityKey.isVirtual,
            };
            k.count += 1;
            models.set(m.securityKey.model, k);
          }
        }
      }
      const result: Dashboard = {
        total,
        byDepartment: [...byDepartment.entries()]
          .map(([department, c]) => ({ department, ...c }))
          .sort((a, b) => a.department.localeCompare(b.department)),
        methodsByKind: [...kinds.entries()]
          .map(([kind, count]) => ({ kind, count }))
          .sort((a, b) => b.count - a.count),
        keysByModel: [...models.entries()]
          .map(([model, v]) => ({ model, ...v }))
          .sort((a, b) => b.count - a.count),
      };
      return result;
    },

    exportReport() {
      const csv = station.roster.exportReportCsv();
      if (access.mode() === 'demo') return { csv };
      // Production: the report leaves out the hidden demo people (first column: upn).
      const table = parseCsv(csv);
      const lines = [
        csvLine(table.header),
        ...table.rows.filter((r) => visible(access, r.cells[0] ?? '')).map((r) => csvLine(r.cells)),
      ];
      return { csv: lines.join('\r\n') + '\r\n' };
    },

    exportWebAuthn({ personId }) {
      station.session.assertStaff();
      const id = personId === undefined ? undefined : registryId(personId);
      const person = id === undefined ? null : station.people.get(id);
      if (person && !visible(access, person.upn)) throw new StationError('person.notFound');
      const keys: WebAuthnKeyExport[] = station.roster
        .exportWebAuthn(id)
        .filter((k) => visible(access, k.upn))
        .map((k) => ({
          upn: k.upn,
          displayName: k.displayName,
          keyName: k.keyName,
          createdAt: k.createdAt,
          lastUsedAt: k.lastUsedAt,
          rpId: k.rpId,
          credential: { ...k.credential, transports: [...k.credential.transports] },
          registration: k.registration
            ? (JSON.parse(JSON.stringify(k.registration)) as WebAuthnRegistrationJSON)
            : null,
        }));
      // Data leaving the station is recorded with who took it (SPEC §5 audit of every change).
      station.context.db.transaction(() =>
        station.audit.append('registry.exported', id ?? null, {
          format: 'webauthn',
          keys: keys.length,
        }),
      )();
      const result: WebAuthnExport = {
        format: 'keystation.webauthn-registrations.v1',
        exportedAt: new Date().toISOString(),
        person: person?.upn ?? null,
        keys,
      };
      return result;
    },

    async backup() {
      station.session.assertStaff();
      // Always on the station's own disk, never a path from the renderer.
      const dir = join(station.dataDir, 'backups');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const now = new Date();
      const done = await station.backup(backupFile(dir, now));
      const { people, methods, integrityOk } = finishCopy(done.path);
      const report: BackupReport = {
        fileName: basename(done.path),
        bytes: statSync(done.path).size,
        integrityOk: done.integrityOk && integrityOk,
        auditOk: done.auditOk,
        sha256: await sha256Of(done.path),
        people,
        methods,
        createdAt: now.toISOString(),
      };
      return report;
    },
  };
}

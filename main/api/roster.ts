/** Roster for the operator console (SPEC §3.7, §6): list with filters, records, CSV import. */
import type {
  Dashboard,
  DashboardCounts,
  MethodKind,
  PersonRecord,
  RegistrationState,
  RosterRow,
} from '../../preload/contract';
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
  };
}

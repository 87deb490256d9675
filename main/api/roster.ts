/** Roster for the operator console (DESIGN.md §3.7, §6): list with filters, records, CSV import. */
import type { Dashboard, PersonRecord, RosterRow } from '../../preload/contract';
import type {
  WebAuthnExport,
  WebAuthnKeyExport,
  WebAuthnRegistrationJSON,
} from '../../preload/contract/roster';
import type { PersonRecord as StationPersonRecord, Station } from '../station';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';

/** The contract's person record: ids as strings. */
function toContractRecord(r: StationPersonRecord): PersonRecord {
  return { ...r, id: String(r.id) };
}

export function rosterHandlers(station: Station): DomainHandlers<'roster'> {
  return {
    list({ query, department, registration, limit, cursor }) {
      const page = station.roster.list({ query, department, registration, limit, cursor });
      const people: RosterRow[] = page.people.map((p) => ({
        id: String(p.id),
        upn: p.upn,
        displayName: p.displayName,
        department: p.department || null,
        status: p.status,
        methodCount: p.methodCount,
        registration: p.registration,
        challengeReadyUntil: p.challengeReadyUntil,
      }));
      return {
        people,
        hasMore: page.nextCursor !== null,
        nextCursor: page.nextCursor,
        departments: page.departments,
      };
    },

    get({ personId }) {
      // A hidden demo person is answered like one that does not exist (station.roster).
      return toContractRecord(station.records.get(registryId(personId)));
    },

    create(input) {
      return toContractRecord(
        station.records.create({
          upn: input.upn,
          displayName: input.displayName,
          department: input.department,
          email: input.email,
          mobile: input.mobile,
        }),
      );
    },

    update({ personId, ...patch }) {
      return toContractRecord(station.records.update(registryId(personId), patch));
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

    oathTokens() {
      return station.oathTokens.list().map((x) => ({
        serial: x.serial,
        upn: x.upn,
        manufacturer: x.manufacturer,
        model: x.model,
        period: x.period,
        status: x.status,
        importedAt: x.importedAt,
      }));
    },

    previewOathTokens({ csv }) {
      const r = station.oathTokens.importCsv(csv, { dryRun: true });
      return {
        rows: r.rows,
        imported: r.imported,
        errors: r.errors.map((e) => ({ line: e.line, code: e.code, params: e.params })),
      };
    },

    importOathTokens({ csv }) {
      const r = station.oathTokens.importCsv(csv);
      return {
        rows: r.rows,
        imported: r.imported,
        errors: r.errors.map((e) => ({ line: e.line, code: e.code, params: e.params })),
      };
    },

    dashboard() {
      const d = station.roster.dashboard();
      const result: Dashboard = {
        total: { ...d.total },
        byDepartment: d.byDepartment.map((r) => ({ ...r })),
        methodsByKind: d.methodsByKind.map((r) => ({ ...r })),
        keysByModel: d.keysByModel.map((r) => ({ ...r })),
      };
      return result;
    },

    exportReport() {
      return { csv: station.roster.exportReportCsv() };
    },

    exportWebAuthn({ personId }) {
      const done = station.roster.exportWebAuthn(
        personId === undefined ? undefined : registryId(personId),
      );
      const keys: WebAuthnKeyExport[] = done.keys.map((k) => ({
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
      const result: WebAuthnExport = {
        format: 'keystation.webauthn-registrations.v1',
        exportedAt: done.exportedAt,
        person: done.person,
        keys,
      };
      return result;
    },

    backup() {
      return station.backupToDataDir();
    },
  };
}

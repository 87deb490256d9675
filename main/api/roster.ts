/** Roster for the operator console (DESIGN.md §3.7, §6): list with filters, records, CSV import. */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Dashboard, PersonRecord, RosterRow } from '../../preload/contract';
import type {
  BackupReport,
  WebAuthnExport,
  WebAuthnKeyExport,
  WebAuthnRegistrationJSON,
} from '../../preload/contract/roster';
import type { Station } from '../station';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';

export function personRecord(station: Station, id: number): PersonRecord {
  const p = station.people.get(id);
  const standing = station.roster.standing(id);
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
      return personRecord(station, registryId(personId));
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

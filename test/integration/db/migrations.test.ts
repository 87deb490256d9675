import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  integrityOk,
  migrate,
  openDatabase,
  schemaVersion,
  type Db,
} from '../../../main/db/connection';
import { RegistryInspection } from '../../../main/db/inspection';
import { MIGRATIONS } from '../../../main/db/migrations/index';
import { RegistryTampering } from '../../../main/db/tampering';

describe('registry file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens with WAL, synchronous=FULL and foreign keys on', () => {
    const db = openDatabase({ path: join(dir, 'r.sqlite') });
    expect(new RegistryInspection(db).connectionSettings()).toEqual({
      journalMode: 'wal',
      synchronous: 2, // FULL
      foreignKeys: true,
    });
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(integrityOk(db)).toBe(true);
    db.close();
  });

  it('migrations are numbered 1..n without gaps and reopening is a no-op', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const path = join(dir, 'r.sqlite');
    openDatabase({ path }).close();
    const db = openDatabase({ path });
    expect(migrate(db)).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a registry from a newer Keystation', () => {
    const path = join(dir, 'r.sqlite');
    const db = openDatabase({ path });
    new RegistryTampering(db).setSchemaVersion(MIGRATIONS.length + 1);
    db.close();
    expect(() => openDatabase({ path })).toThrow(/newer/);
  });

  it('a failing migration leaves the previous version intact', () => {
    const path = join(dir, 'r.sqlite');
    const broken = [
      ...MIGRATIONS.slice(0, 2),
      {
        version: 3,
        name: 'broken',
        up: (d: Db) => d.exec('CREATE TABLE half (x); SELECT * FROM missing_table;'),
      },
    ];
    expect(() => openDatabase({ path, migrations: broken })).toThrow();
    const db = openDatabase({ path, migrations: MIGRATIONS.slice(0, 2) });
    expect(schemaVersion(db)).toBe(2);
    expect(new RegistryInspection(db).tables()).not.toContain('half');
    db.close();
  });
});

/**
 * One test per migration: apply up to it from the previous version, check what it adds. Rows
 * are written past the repositories (main/db/tampering.ts) so each constraint shows on its own.
 */
describe('each migration', () => {
  let dir: string;
  let db: Db;
  let look: RegistryInspection;
  let raw: RegistryTampering;
  const at = (n: number) => {
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n) });
    look = new RegistryInspection(db);
    raw = new RegistryTampering(db);
  };
  const upTo = (n: number) => {
    at(n - 1);
    expect(schemaVersion(db)).toBe(n - 1);
    migrate(db, MIGRATIONS.slice(0, n));
    expect(schemaVersion(db)).toBe(n);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-mig-'));
  });
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('001 people and methods: FTS in step, cascade delete, one default, MFA-only default', () => {
    upTo(1);
    expect(look.tables()).toEqual(
      expect.arrayContaining([
        'people',
        'methods',
        'security_key_credentials',
        'policy',
        'questions',
        'security_answers',
      ]),
    );
    const p = raw.insertPerson({ upn: 'a@x.org', displayName: 'Anna Svensson' });
    expect(look.fullTextMatches('"svens"*')).toEqual([p]);
    expect(() => raw.insertPerson({ upn: 'A@X.ORG', displayName: 'Dup' })).toThrow(/UNIQUE/);
    raw.insertMethod({ personId: p, kind: 'phoneSms', isDefault: true });
    expect(() => raw.insertMethod({ personId: p, kind: 'securityKey', isDefault: true })).toThrow(
      /UNIQUE/,
    );
    expect(() => raw.insertMethod({ personId: p, kind: 'email', isDefault: true })).toThrow(
      /CHECK/,
    );
    expect(() => raw.insertMethod({ personId: p, kind: 'fax' })).toThrow(/CHECK/);
    expect(() => raw.insertMethod({ personId: 99, kind: 'email' })).toThrow(/FOREIGN KEY/);
    raw.deletePerson(p);
    expect(look.rowCount('methods')).toBe(0);
    expect(look.fullTextMatches('"svens"*')).toEqual([]);
  });

  it('002 audit and settings: the audit log refuses UPDATE and DELETE', () => {
    upTo(2);
    expect(look.tables()).toEqual(
      expect.arrayContaining(['audit_log', 'station_settings', 'station_key']),
    );
    raw.insertAuditRow(1);
    expect(() => raw.setAuditActions('y')).toThrow(/append-only/);
    expect(() => raw.deleteAuditLog()).toThrow(/append-only/);
    expect(look.rowCount('audit_log')).toBe(1);
    expect(() => raw.insertStationKey(2)).toThrow(/CHECK/);
  });

  it('003 OATH token inventory: period 30 or 60, one method per token', () => {
    upTo(3);
    raw.insertOathToken({ serial: 'T1', upn: 'a@x.org', period: 30 });
    raw.insertOathToken({ serial: 'T2', upn: 'a@x.org', period: 60 });
    expect(() => raw.insertOathToken({ serial: 'T3', upn: 'a@x.org', period: 45 })).toThrow(
      /CHECK/,
    );
    expect(() => raw.insertOathToken({ serial: 'T1', upn: 'a@x.org', period: 30 })).toThrow(
      /UNIQUE|PRIMARY/,
    );
  });

  it('004 passes and operators: one pass per person, removed with the person', () => {
    upTo(4);
    const p = raw.insertPerson({ upn: 'a@x.org', displayName: 'A' });
    raw.insertPass(p);
    expect(() => raw.insertPass(p)).toThrow(/UNIQUE|PRIMARY/);
    raw.deletePerson(p);
    expect(look.rowCount('access_passes')).toBe(0);
    raw.insertOperator({ username: 'Desk' });
    expect(() => raw.insertOperator({ username: 'desk' })).toThrow(/UNIQUE/);
    expect(() => raw.insertOperator({ username: 'x', role: 'root' })).toThrow(/CHECK/);
  });

  it('005 verification codes and outbox: channels checked, codes removed with the person', () => {
    upTo(5);
    const p = raw.insertPerson({ upn: 'a@x.org', displayName: 'A' });
    raw.insertVerificationCode({ id: 'c1', personId: p, channel: 'sms' });
    expect(() => raw.insertVerificationCode({ id: 'c2', personId: p, channel: 'pigeon' })).toThrow(
      /CHECK/,
    );
    raw.insertOutboxMessage({ personId: p, channel: 'email' });
    raw.deletePerson(p);
    expect(look.rowCount('verification_codes')).toBe(0);
    expect(look.outboxPersonIds()).toEqual([null]);
  });

  it('006 search keys: FTS replaced by folded name keys, existing people backfilled', () => {
    at(5);
    const p = raw.insertPerson({ upn: 'a@x.org', displayName: 'Åsa Örn-Ståhl' });
    migrate(db, MIGRATIONS.slice(0, 6));
    expect(schemaVersion(db)).toBe(6);
    expect(look.tables()).not.toContain('people_fts');
    expect(look.personSearchKeys(p)).toEqual({
      search_name: 'asa orn stahl',
      search_sort: 'stahl asa orn',
    });
    expect(look.namePrefixPlan('as').join()).toMatch(/USING (COVERING )?INDEX people_search_name/);
  });

  it('007 key registration json: a nullable column on security key credentials', () => {
    upTo(7);
    expect(
      look.columns('security_key_credentials').find((c) => c.name === 'registration_json'),
    ).toMatchObject({ notnull: false });
  });
});

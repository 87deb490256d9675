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
import { MIGRATIONS } from '../../../main/db/migrations/index';

const NOW = '2026-03-02T09:00:00.000Z';

function tables(db: Db): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('registry file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens with WAL, synchronous=FULL and foreign keys on', () => {
    const db = openDatabase({ path: join(dir, 'r.sqlite') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
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
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
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
    expect(tables(db)).not.toContain('half');
    db.close();
  });
});

/** One test per migration: apply up to it from the previous version, check what it adds. */
describe('each migration', () => {
  let dir: string;
  let db: Db;
  const upTo = (n: number) => {
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n - 1) });
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
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'people',
        'methods',
        'security_key_credentials',
        'policy',
        'questions',
        'security_answers',
      ]),
    );
    db.prepare(
      'INSERT INTO people (upn, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ).run('a@x.org', 'Anna Svensson', NOW, NOW);
    expect(
      db.prepare('SELECT rowid FROM people_fts WHERE people_fts MATCH \'"svens"*\'').all(),
    ).toHaveLength(1);
    expect(() =>
      db
        .prepare(
          'INSERT INTO people (upn, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)',
        )
        .run('A@X.ORG', 'Dup', NOW, NOW),
    ).toThrow(/UNIQUE/);
    const ins = db.prepare(
      'INSERT INTO methods (person_id, kind, is_default, created_at) VALUES (1, ?, ?, ?)',
    );
    ins.run('phoneSms', 1, NOW);
    expect(() => ins.run('securityKey', 1, NOW)).toThrow(/UNIQUE/);
    expect(() => ins.run('email', 1, NOW)).toThrow(/CHECK/);
    expect(() => ins.run('fax', 0, NOW)).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare('INSERT INTO methods (person_id, kind, created_at) VALUES (99, ?, ?)')
        .run('email', NOW),
    ).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM people WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM methods').get()).toEqual({ n: 0 });
    expect(
      db.prepare('SELECT rowid FROM people_fts WHERE people_fts MATCH \'"svens"*\'').all(),
    ).toHaveLength(0);
  });

  it('002 audit and settings: the audit log refuses UPDATE and DELETE', () => {
    upTo(2);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['audit_log', 'station_settings', 'station_key']),
    );
    db.prepare(
      "INSERT INTO audit_log (seq, at, station_id, actor_kind, action, prev_hash, hash) VALUES (1, ?, 's', 'system', 'x', x'00', x'00')",
    ).run(NOW);
    expect(() => db.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO station_key (id, sealed, sealer, created_at) VALUES (2, x'00', 'f', ?)",
        )
        .run(NOW),
    ).toThrow(/CHECK/);
  });

  it('003 OATH token inventory: period 30 or 60, one method per token', () => {
    upTo(3);
    const ins = db.prepare(
      "INSERT INTO oath_tokens (serial, upn, secret, period, imported_at) VALUES (?, 'a@x.org', x'00', ?, ?)",
    );
    ins.run('T1', 30, NOW);
    ins.run('T2', 60, NOW);
    expect(() => ins.run('T3', 45, NOW)).toThrow(/CHECK/);
    expect(() => ins.run('T1', 30, NOW)).toThrow(/UNIQUE|PRIMARY/);
  });

  it('004 passes and operators: one pass per person, removed with the person', () => {
    upTo(4);
    db.prepare(
      'INSERT INTO people (upn, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ).run('a@x.org', 'A', NOW, NOW);
    const ins = db.prepare(
      "INSERT INTO access_passes (person_id, pass_hash, one_time, issued_at, expires_at) VALUES (1, 'h', 1, ?, ?)",
    );
    ins.run(NOW, NOW);
    expect(() => ins.run(NOW, NOW)).toThrow(/UNIQUE|PRIMARY/);
    db.prepare('DELETE FROM people').run();
    expect(db.prepare('SELECT count(*) AS n FROM access_passes').get()).toEqual({ n: 0 });
    db.prepare(
      "INSERT INTO operators (username, display_name, created_at) VALUES ('Desk', 'D', ?)",
    ).run(NOW);
    expect(() =>
      db
        .prepare(
          "INSERT INTO operators (username, display_name, created_at) VALUES ('desk', 'D', ?)",
        )
        .run(NOW),
    ).toThrow(/UNIQUE/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO operators (username, display_name, role, created_at) VALUES ('x', 'D', 'root', ?)",
        )
        .run(NOW),
    ).toThrow(/CHECK/);
  });

  it('005 verification codes and outbox: channels checked, codes removed with the person', () => {
    upTo(5);
    db.prepare(
      'INSERT INTO people (upn, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ).run('a@x.org', 'A', NOW, NOW);
    const ins = db.prepare(
      "INSERT INTO verification_codes (id, person_id, channel, destination, code_hash, created_at, expires_at) VALUES (?, 1, ?, 'd', x'00', ?, ?)",
    );
    ins.run('c1', 'sms', NOW, NOW);
    expect(() => ins.run('c2', 'pigeon', NOW, NOW)).toThrow(/CHECK/);
    db.prepare(
      "INSERT INTO outbox (channel, destination, body_sealed, person_id, created_at) VALUES ('email', 'd', x'00', 1, ?)",
    ).run(NOW);
    db.prepare('DELETE FROM people').run();
    expect(db.prepare('SELECT count(*) AS n FROM verification_codes').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT person_id FROM outbox').get()).toEqual({ person_id: null });
  });

  it('006 search keys: FTS replaced by folded name keys, existing people backfilled', () => {
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, 5) });
    db.prepare(
      'INSERT INTO people (upn, display_name, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ).run('a@x.org', 'Åsa Örn-Ståhl', NOW, NOW);
    migrate(db, MIGRATIONS.slice(0, 6));
    expect(schemaVersion(db)).toBe(6);
    expect(tables(db)).not.toContain('people_fts');
    expect(db.prepare('SELECT search_name, search_sort FROM people').get()).toEqual({
      search_name: 'asa orn stahl',
      search_sort: 'stahl asa orn',
    });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM people WHERE search_name >= 'as' AND search_name < 'as\uffff' ORDER BY search_name LIMIT 20",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/USING (COVERING )?INDEX people_search_name/);
  });

  it('007 key registration json: a nullable column on security key credentials', () => {
    upTo(7);
    const cols = (
      db.prepare('PRAGMA table_info(security_key_credentials)').all() as {
        name: string;
        notnull: number;
      }[]
    ).find((c) => c.name === 'registration_json');
    expect(cols).toMatchObject({ notnull: 0 });
  });
});

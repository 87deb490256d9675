import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { MIGRATIONS } from '../../../main/db/migrations/index';

describe('migration 012 password reset', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-mig12-'));
    const n = MIGRATIONS.findIndex((m) => m.name === 'password reset') + 1;
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n) });
    db.prepare(
      `INSERT INTO people (id, upn, display_name, department, email, mobile, status, created_at, updated_at, search_name, search_sort)
       VALUES (1, 'a@x.org', 'A', '', '', '', 'active', 't', 't', 'a', 'a')`,
    ).run();
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('attempt kinds checked; requests keep the typed ID when the person goes; roles go with the person', () => {
    const attempt = `INSERT INTO reset_attempts (subject_mac, station_id, kind, at) VALUES (x'01', 's', ?, 't')`;
    db.prepare(attempt).run('failure');
    expect(() => db.prepare(attempt).run('guess')).toThrow(/CHECK/);
    db.prepare(
      `INSERT INTO admin_requests (upn, person_id, station_id, reason, created_at) VALUES ('a@x.org', 1, 's', 'notEnabled', 't')`,
    ).run();
    db.prepare('INSERT INTO person_roles (person_id, is_admin) VALUES (1, 1)').run();
    db.prepare('DELETE FROM people WHERE id = 1').run();
    expect(db.prepare('SELECT upn, person_id FROM admin_requests').get()).toEqual({
      upn: 'a@x.org',
      person_id: null,
    });
    expect(db.prepare('SELECT count(*) AS n FROM person_roles').get()).toEqual({ n: 0 });
  });
});

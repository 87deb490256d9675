import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { MIGRATIONS } from '../../../main/db/migrations/index';

describe('migration 010 identity provider', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-mig10-'));
    const n = MIGRATIONS.findIndex((m) => m.name === 'identity provider') + 1;
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

  it('one connection row, outbox states checked, item keys unique, links removed with the person', () => {
    const conn = `INSERT INTO idp_connection (id, tenant_id, client_id, credential_kind, authority_host, graph_host, updated_at)
      VALUES (?, 't', 'c', 'secret', 'a', 'g', 'now')`;
    db.prepare(conn).run(1);
    expect(() => db.prepare(conn).run(2)).toThrow();
    const item = `INSERT INTO idp_outbox (item_key, person_id, operation, http_method, path, state, next_attempt_at, created_at)
      VALUES (?, 1, 'fido2.register', 'POST', '/v1.0/x', ?, 'now', 'now')`;
    db.prepare(item).run('k1', 'pending');
    expect(() => db.prepare(item).run('k1', 'pending')).toThrow(/UNIQUE/);
    expect(() => db.prepare(item).run('k2', 'lost')).toThrow(/CHECK/);
    db.prepare(
      `INSERT INTO idp_people (person_id, provider_id, pulled_at) VALUES (1, 'oid-1', 'now')`,
    ).run();
    db.prepare(
      `INSERT INTO idp_provider_methods (person_id, provider_method_id, type, label, detail, pulled_at)
       VALUES (1, 'm1', 'phone', 'mobile', '+46 70', 'now')`,
    ).run();
    db.prepare('DELETE FROM people WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM idp_people').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM idp_provider_methods').get()).toEqual({ n: 0 });
    // The outbox keeps the request (the provider may still need it), without the person.
    expect(db.prepare('SELECT person_id FROM idp_outbox').get()).toEqual({ person_id: null });
  });
});

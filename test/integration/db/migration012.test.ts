import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { RegistryInspection } from '../../../main/db/inspection';
import { MIGRATIONS } from '../../../main/db/migrations/index';
import { RegistryTampering } from '../../../main/db/tampering';

describe('migration 012 password reset', () => {
  let dir: string;
  let db: Db;
  let look: RegistryInspection;
  let raw: RegistryTampering;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-mig12-'));
    const n = MIGRATIONS.findIndex((m) => m.name === 'password reset') + 1;
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n) });
    look = new RegistryInspection(db);
    raw = new RegistryTampering(db);
    raw.insertPerson({ id: 1, upn: 'a@x.org', displayName: 'A' });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('attempt kinds checked; requests keep the typed ID when the person goes; roles go with the person', () => {
    raw.insertResetAttempt('failure');
    expect(() => raw.insertResetAttempt('guess')).toThrow(/CHECK/);
    raw.insertAdminRequest('a@x.org', 1);
    raw.insertPersonRole(1, true);
    expect(look.adminRequests()).toEqual([{ upn: 'a@x.org', person_id: 1 }]);
    expect(look.rowCount('person_roles')).toBe(1);
    raw.deletePerson(1);
    expect(look.adminRequests()).toEqual([{ upn: 'a@x.org', person_id: null }]);
    expect(look.rowCount('person_roles')).toBe(0);
  });
});

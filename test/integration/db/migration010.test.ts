import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { RegistryInspection } from '../../../main/db/inspection';
import { MIGRATIONS } from '../../../main/db/migrations/index';
import { RegistryTampering } from '../../../main/db/tampering';

describe('migration 010 identity provider', () => {
  let dir: string;
  let db: Db;
  let look: RegistryInspection;
  let raw: RegistryTampering;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-mig10-'));
    const n = MIGRATIONS.findIndex((m) => m.name === 'identity provider') + 1;
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n) });
    look = new RegistryInspection(db);
    raw = new RegistryTampering(db);
    raw.insertPerson({ id: 1, upn: 'a@x.org', displayName: 'A' });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one connection row, outbox states checked, item keys unique, links removed with the person', () => {
    raw.insertIdpConnection(1);
    expect(() => raw.insertIdpConnection(2)).toThrow();
    raw.insertIdpOutboxItem({ itemKey: 'k1', personId: 1, state: 'pending' });
    expect(() => raw.insertIdpOutboxItem({ itemKey: 'k1', personId: 1, state: 'pending' })).toThrow(
      /UNIQUE/,
    );
    expect(() => raw.insertIdpOutboxItem({ itemKey: 'k2', personId: 1, state: 'lost' })).toThrow(
      /CHECK/,
    );
    raw.insertIdpPerson(1, 'oid-1');
    raw.insertIdpProviderMethod(1, 'm1');
    expect(look.rowCount('idp_people')).toBe(1);
    expect(look.rowCount('idp_provider_methods')).toBe(1);
    raw.deletePerson(1);
    expect(look.rowCount('idp_people')).toBe(0);
    expect(look.rowCount('idp_provider_methods')).toBe(0);
    // The outbox keeps the request (the provider may still need it), without the person.
    expect(look.idpOutboxPersonIds()).toEqual([null]);
  });
});

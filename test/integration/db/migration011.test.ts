import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../main/db/connection';
import { MIGRATIONS } from '../../../main/db/migrations/index';
import { ProvisioningRepository } from '../../../main/db/repositories/provisioning';
import { RegistryTampering } from '../../../main/db/tampering';

describe('migration 011 provisioning', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-mig11-'));
    const n = MIGRATIONS.findIndex((m) => m.name === 'provisioning') + 1;
    expect(n).toBe(11);
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n) });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const person = (upn: string, challenge: string) => ({
    personId: null,
    userId: null,
    upn,
    displayName: upn,
    challenge,
    expiresAt: '2030-01-01T00:00:00.000Z',
    options: '{}',
  });

  it('people once per job, states checked, a claimed person goes to one key, requeue keeps the abandoned credential', () => {
    const repo = new ProvisioningRepository(db);
    expect(
      repo.createJob('j1', '{}', 't', [
        person('a@x', 'c1'),
        person('a@x', 'c2'),
        person('b@x', 'c3'),
      ]),
    ).toBe(2);
    expect(() => new RegistryTampering(db).setProvisioningPersonState('a@x', 'lost')).toThrow(
      /CHECK/,
    );
    const first = repo.claimNext('j1', 'k1', 't')!;
    const second = repo.claimNext('j1', 'k2', 't')!;
    expect([first.upn, second.upn]).toEqual(['a@x', 'b@x']);
    expect(repo.claimNext('j1', 'k3', 't')).toBeUndefined();
    const key = { aaguid: 'g', model: 'm', firmware: 'f', serial: null };
    expect(repo.markRegistered(first.id, 'cred-1', '{}', key, 't')).toBe(true);
    repo.requeue(first.id, 'keyRemoved', 't');
    const again = repo.people('j1')[0];
    expect(again).toMatchObject({ state: 'queued', credential_id: null, error: 'keyRemoved' });
    expect(JSON.parse(again.stale_credentials)).toEqual(['cred-1']);
    expect(repo.markDone(second.id, 'set', 't')).toBe(false); // never registered
    expect(repo.counts('j1')).toMatchObject({ queued: 1, active: 1 });
  });
});

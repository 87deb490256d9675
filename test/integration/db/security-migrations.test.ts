/**
 * The security migrations, found by name (their numbers are whatever was free when they
 * landed): apply up to each one from the previous version and check what it adds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion, type Db } from '../../../main/db/connection';
import { MIGRATIONS } from '../../../main/db/migrations/index';
import { TotpStepRepository } from '../../../main/db/repositories/totpSteps';
import { RegistryTampering } from '../../../main/db/tampering';

describe('security migrations', () => {
  let dir: string;
  let db: Db;
  const upTo = (name: string): void => {
    const n = MIGRATIONS.findIndex((m) => m.name === name) + 1;
    expect(n).toBeGreaterThan(0);
    db = openDatabase({ path: join(dir, 'r.sqlite'), migrations: MIGRATIONS.slice(0, n - 1) });
    migrate(db, MIGRATIONS.slice(0, n));
    expect(schemaVersion(db)).toBe(n);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-secmig-'));
  });
  afterEach(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('totp steps: one row per secret hash; the accepted step never moves back', () => {
    upTo('totp steps');
    const repo = new TotpStepRepository(db);
    const mac = Buffer.alloc(32, 7);
    expect(repo.get(mac)).toBeUndefined();
    expect(repo.fail(mac, '2026-03-02T09:00:00.000Z')).toBe(1);
    expect(repo.fail(mac, '2026-03-02T09:00:01.000Z')).toBe(2);
    repo.accept(mac, 100, '2026-03-02T09:00:02.000Z');
    repo.accept(mac, 99, '2026-03-02T09:00:03.000Z');
    expect(repo.get(mac)).toEqual({ last_step: 100, failures: 0, last_failure_at: null });
    expect(() => new RegistryTampering(db).insertTotpStep(mac)).toThrow(/UNIQUE|PRIMARY/);
  });
});

import type { Db } from '../connection';

/** The sealed station key row (one per registry). */
export interface StationKeyRow {
  sealed: Buffer;
  sealer: string;
}

/**
 * All SQL on the station's own state: `station_settings` (key/value: station id, admin
 * settings, the audit head), `station_key` and the single `policy` row.
 */
export class StationStateRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      getSetting: db.prepare('SELECT value FROM station_settings WHERE key = ?'),
      putSetting: db.prepare(
        `INSERT INTO station_settings (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ),
      deleteSetting: db.prepare('DELETE FROM station_settings WHERE key = ?'),
      stationKey: db.prepare('SELECT sealed, sealer FROM station_key WHERE id = 1'),
      insertStationKey: db.prepare(
        'INSERT INTO station_key (id, sealed, sealer, created_at) VALUES (1, ?, ?, ?)',
      ),
      policy: db.prepare('SELECT json FROM policy WHERE id = 1'),
      putPolicy: db.prepare(
        `INSERT INTO policy (id, json, updated_at) VALUES (1, ?, ?)
         ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
      ),
    };
  }

  setting(key: string): string | undefined {
    return (this.stmts.getSetting.get(key) as { value: string } | undefined)?.value;
  }

  putSetting(key: string, value: string): void {
    this.stmts.putSetting.run(key, value);
  }

  deleteSetting(key: string): void {
    this.stmts.deleteSetting.run(key);
  }

  stationKey(): StationKeyRow | undefined {
    return this.stmts.stationKey.get() as StationKeyRow | undefined;
  }

  insertStationKey(sealed: Buffer, sealer: string, createdAt: string): void {
    this.stmts.insertStationKey.run(sealed, sealer, createdAt);
  }

  /** The stored policy JSON, if any (the station validates it). */
  policyJson(): string | undefined {
    return (this.stmts.policy.get() as { json: string } | undefined)?.json;
  }

  putPolicyJson(json: string, updatedAt: string): void {
    this.stmts.putPolicy.run(json, updatedAt);
  }
}

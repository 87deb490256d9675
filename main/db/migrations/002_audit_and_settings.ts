import type { Migration } from './index';

/**
 * The tamper-evident audit log (DESIGN.md §5) and station settings. Triggers make the log
 * append-only for honest code; the HMAC chain (main/station/audit.ts) catches anyone who goes
 * around them.
 */
export const m002AuditAndSettings: Migration = {
  version: 2,
  name: 'audit and settings',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        station_id TEXT NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_id TEXT NOT NULL DEFAULT '',
        actor_label TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL,
        person_id INTEGER,
        details TEXT NOT NULL DEFAULT '{}',
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
      );
      CREATE INDEX audit_person ON audit_log(person_id);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only');
      END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit log is append-only');
      END;

      CREATE TABLE station_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- The station key that encrypts secrets at rest, itself sealed by a SecretSealer.
      CREATE TABLE station_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        sealed BLOB NOT NULL,
        sealer TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
  },
};

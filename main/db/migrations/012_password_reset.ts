import type { Migration } from './index';

/**
 * Password reset at the station (docs/DESIGN.md §2.1, §3.9): every counted step of a reset or a
 * returning person's sign-in, per user ID (a keyed hash of the typed ID, so unknown IDs are
 * counted too and no typed text is kept) and per station, for the rate limits and lockouts;
 * the requests "Kontakta en administratör" leaves for the operators; and which people are
 * administrators at the provider (they always need two methods to reset).
 */
export const m012PasswordReset: Migration = {
  version: 12,
  name: 'password reset',
  up(db) {
    db.exec(`
      CREATE TABLE reset_attempts (
        id INTEGER PRIMARY KEY,
        subject_mac BLOB NOT NULL,
        station_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('lookup', 'failure', 'send')),
        at TEXT NOT NULL
      );
      CREATE INDEX reset_attempts_subject ON reset_attempts(subject_mac, kind, at);
      CREATE INDEX reset_attempts_station ON reset_attempts(station_id, kind, at);

      CREATE TABLE admin_requests (
        id INTEGER PRIMARY KEY,
        upn TEXT NOT NULL,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        station_id TEXT NOT NULL,
        station_name TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        emailed INTEGER NOT NULL DEFAULT 0,
        handled_at TEXT
      );
      CREATE INDEX admin_requests_open ON admin_requests(handled_at, created_at);

      CREATE TABLE person_roles (
        person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        is_admin INTEGER NOT NULL DEFAULT 0
      );
    `);
  },
};

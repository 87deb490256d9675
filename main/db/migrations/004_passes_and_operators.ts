import type { Migration } from './index';

/** Temporary access passes (one per person, hashed) and operator accounts (DESIGN.md §3.7, §3.8). */
export const m004PassesAndOperators: Migration = {
  version: 4,
  name: 'passes and operators',
  up(db) {
    db.exec(`
      CREATE TABLE access_passes (
        person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        pass_hash BLOB NOT NULL,
        one_time INTEGER NOT NULL CHECK (one_time IN (0, 1)),
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        issued_by TEXT NOT NULL DEFAULT ''
      );

      CREATE TABLE operators (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL COLLATE NOCASE UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'operator' CHECK (role IN ('operator', 'admin')),
        password_hash TEXT,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at TEXT NOT NULL
      );

      CREATE TABLE operator_credentials (
        credential_id BLOB PRIMARY KEY,
        operator_id INTEGER NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
        public_key BLOB NOT NULL,
        aaguid TEXT NOT NULL,
        sign_count INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        last_used_at TEXT
      );
    `);
  },
};

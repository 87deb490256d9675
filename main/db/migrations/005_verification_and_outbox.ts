import type { Migration } from './index';

/**
 * One-time codes sent to a phone or mailbox (stored as keyed hashes only) and the outbox of the
 * offline gateway (message bodies sealed, since they carry a code).
 */
export const m005VerificationAndOutbox: Migration = {
  version: 5,
  name: 'verification codes and outbox',
  up(db) {
    db.exec(`
      CREATE TABLE verification_codes (
        id TEXT PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('sms', 'call', 'email')),
        destination TEXT NOT NULL,
        code_hash BLOB NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        used_at TEXT
      ) WITHOUT ROWID;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL CHECK (channel IN ('sms', 'call', 'email')),
        destination TEXT NOT NULL,
        body_sealed BLOB NOT NULL,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      );
    `);
  },
};

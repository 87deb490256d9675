import type { Migration } from './index';

/**
 * TOTP/OATH replay protection (RFC 6238 §5.2): the last accepted time step and the failed
 * attempts per secret, keyed by a keyed hash of the secret (never the secret), so a code that
 * was accepted once is refused again even after its method was deleted and a restart.
 */
export const m008TotpSteps: Migration = {
  version: 8,
  name: 'totp steps',
  up(db) {
    db.exec(`
      CREATE TABLE totp_steps (
        secret_mac BLOB PRIMARY KEY,
        last_step INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        last_failure_at TEXT,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};

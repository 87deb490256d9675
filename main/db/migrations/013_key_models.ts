import type { Migration } from './index';

/**
 * Security-key models from an operator-imported FIDO metadata (MDS3) BLOB (docs/KEYS.md "Key
 * manager"): the BLOB's serial number and next update, and per AAGUID the model name and where
 * its statusReports leave it, so revoked or compromised models are flagged and refused.
 * An import replaces the whole catalog in one transaction.
 */
export const m013KeyModels: Migration = {
  version: 13,
  name: 'key models',
  up(db) {
    db.exec(`
      CREATE TABLE key_metadata (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        serial INTEGER NOT NULL,
        next_update TEXT NOT NULL,
        root TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );
      CREATE TABLE key_models (
        aaguid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        status_date TEXT,
        compromised INTEGER NOT NULL CHECK (compromised IN (0, 1))
      ) WITHOUT ROWID;
      CREATE INDEX key_models_compromised ON key_models(compromised) WHERE compromised = 1;
    `);
  },
};

import type { Migration } from './index';

/** OATH hardware tokens pre-loaded by an administrator's CSV (DESIGN.md §1, §6). */
export const m003OathTokenInventory: Migration = {
  version: 3,
  name: 'oath token inventory',
  up(db) {
    db.exec(`
      CREATE TABLE oath_tokens (
        serial TEXT PRIMARY KEY,
        upn TEXT NOT NULL COLLATE NOCASE,
        secret BLOB NOT NULL,
        period INTEGER NOT NULL CHECK (period IN (30, 60)),
        digits INTEGER NOT NULL DEFAULT 6 CHECK (digits IN (6, 8)),
        manufacturer TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        imported_at TEXT NOT NULL,
        method_id INTEGER UNIQUE REFERENCES methods(id) ON DELETE SET NULL,
        activated_at TEXT
      );
      CREATE INDEX oath_tokens_upn ON oath_tokens(upn);
    `);
  },
};

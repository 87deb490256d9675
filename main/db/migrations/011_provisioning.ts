import type { Migration } from './index';

/**
 * Provisioning keys for others (docs/PROVISIONING.md): a run is a durable job; each person in it
 * moves queued → active (a key took them) → registered (the key made the credential; the
 * registration is kept, it holds no secret) → done (key configured, slip made) or failed. A
 * crash leaves at most the people that keys were working on unfinished; they go back to the
 * queue on resume. PINs are never in these tables.
 */
export const m011Provisioning: Migration = {
  version: 11,
  name: 'provisioning',
  up(db) {
    db.exec(`
      CREATE TABLE provisioning_jobs (
        id TEXT PRIMARY KEY,
        settings TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'finished')),
        created_at TEXT NOT NULL,
        finished_at TEXT
      );

      CREATE TABLE provisioning_people (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES provisioning_jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        user_id TEXT,
        upn TEXT NOT NULL,
        display_name TEXT NOT NULL,
        challenge TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        options TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'active', 'registered', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        slot TEXT,
        credential_id TEXT,
        registration TEXT,
        stale_credentials TEXT NOT NULL DEFAULT '[]',
        aaguid TEXT,
        model TEXT,
        firmware TEXT,
        serial TEXT,
        key_config TEXT,
        error TEXT,
        updated_at TEXT NOT NULL,
        UNIQUE (job_id, upn),
        UNIQUE (job_id, challenge)
      );
      CREATE INDEX provisioning_people_queue ON provisioning_people (job_id, state, seq);
    `);
  },
};

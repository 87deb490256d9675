import type { Migration } from './index';

/**
 * The identity-provider link (docs/IDP.md): the connection (secrets sealed), which roster people
 * the provider knows (object id), the methods the provider holds for them, the creation options
 * it issued for security keys, and the durable outbox of changes to send to it. An outbox row is
 * written in the same transaction as the local change it carries (transactional outbox).
 */
export const m010IdentityProvider: Migration = {
  version: 10,
  name: 'identity provider',
  up(db) {
    db.exec(`
      CREATE TABLE idp_connection (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        provider TEXT NOT NULL DEFAULT 'graph',
        tenant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        credential_kind TEXT NOT NULL CHECK (credential_kind IN ('secret', 'certificate')),
        secret_sealed BLOB,
        certificate_pem TEXT,
        authority_host TEXT NOT NULL,
        graph_host TEXT NOT NULL,
        group_id TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
      );

      CREATE TABLE idp_people (
        person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
        provider_id TEXT NOT NULL UNIQUE,
        in_group INTEGER NOT NULL DEFAULT 1 CHECK (in_group IN (0, 1)),
        left_at TEXT,
        pulled_at TEXT NOT NULL
      );

      CREATE TABLE idp_provider_methods (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        provider_method_id TEXT NOT NULL,
        type TEXT NOT NULL,
        label TEXT NOT NULL,
        detail TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        created_at TEXT,
        pulled_at TEXT NOT NULL,
        deleting INTEGER NOT NULL DEFAULT 0 CHECK (deleting IN (0, 1)),
        UNIQUE (person_id, provider_method_id)
      );

      CREATE TABLE idp_creation_options (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        challenge TEXT NOT NULL UNIQUE,
        options TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('online', 'imported')),
        expires_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX idp_creation_options_person ON idp_creation_options (person_id, expires_at);

      CREATE TABLE idp_outbox (
        id INTEGER PRIMARY KEY,
        item_key TEXT NOT NULL UNIQUE,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        operation TEXT NOT NULL,
        http_method TEXT NOT NULL CHECK (http_method IN ('POST', 'DELETE', 'PATCH')),
        path TEXT NOT NULL,
        body_sealed BLOB,
        match TEXT NOT NULL DEFAULT '{}',
        method_id INTEGER,
        provider_method_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'confirmed', 'failed', 'discarded')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        confirmed_at TEXT,
        result TEXT
      );
      CREATE INDEX idp_outbox_due ON idp_outbox (state, next_attempt_at);
      CREATE INDEX idp_outbox_method ON idp_outbox (method_id);
    `);
  },
};

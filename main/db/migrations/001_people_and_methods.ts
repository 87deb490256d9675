import type { Migration } from './index';

/**
 * People, their methods, organization policy and the question bank (DESIGN.md §1, §2, §5).
 * Rules that must hold even if a service has a bug are constraints here too: one default per
 * person, and only MFA-capable kinds may be default (email and questions never are).
 */
export const m001PeopleAndMethods: Migration = {
  version: 1,
  name: 'people and methods',
  up(db) {
    db.exec(`
      CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        upn TEXT NOT NULL COLLATE NOCASE UNIQUE,
        display_name TEXT NOT NULL,
        department TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        mobile TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        sspr_enabled INTEGER NOT NULL DEFAULT 1 CHECK (sspr_enabled IN (0, 1)),
        password_managed_externally INTEGER NOT NULL DEFAULT 0
          CHECK (password_managed_externally IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX people_display_name ON people(display_name COLLATE NOCASE);

      -- Search-as-you-type: prefix queries over UPN, name and department.
      CREATE VIRTUAL TABLE people_fts USING fts5(
        upn, display_name, department,
        content = 'people', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
      );
      CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
        INSERT INTO people_fts(rowid, upn, display_name, department)
        VALUES (new.id, new.upn, new.display_name, new.department);
      END;
      CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
        INSERT INTO people_fts(people_fts, rowid, upn, display_name, department)
        VALUES ('delete', old.id, old.upn, old.display_name, old.department);
      END;
      CREATE TRIGGER people_fts_update AFTER UPDATE OF upn, display_name, department ON people BEGIN
        INSERT INTO people_fts(people_fts, rowid, upn, display_name, department)
        VALUES ('delete', old.id, old.upn, old.display_name, old.department);
        INSERT INTO people_fts(rowid, upn, display_name, department)
        VALUES (new.id, new.upn, new.display_name, new.department);
      END;

      CREATE TABLE methods (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('securityKey', 'authenticatorApp', 'hardwareToken',
          'phoneSms', 'phoneCall', 'email', 'securityQuestions')),
        label TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '',
        secret BLOB,
        data TEXT NOT NULL DEFAULT '{}',
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        CHECK (is_default = 0 OR kind IN ('securityKey', 'authenticatorApp', 'hardwareToken',
          'phoneSms', 'phoneCall'))
      );
      CREATE INDEX methods_person ON methods(person_id, kind);
      CREATE UNIQUE INDEX methods_one_default ON methods(person_id) WHERE is_default = 1;

      CREATE TABLE security_key_credentials (
        method_id INTEGER PRIMARY KEY REFERENCES methods(id) ON DELETE CASCADE,
        credential_id BLOB NOT NULL UNIQUE,
        public_key BLOB NOT NULL,
        aaguid TEXT NOT NULL,
        model_name TEXT NOT NULL,
        sign_count INTEGER NOT NULL DEFAULT 0,
        transports TEXT NOT NULL DEFAULT '[]',
        attestation_format TEXT NOT NULL,
        rp_id TEXT NOT NULL,
        user_handle BLOB NOT NULL
      );

      CREATE TABLE policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE questions (
        id TEXT PRIMARY KEY,
        text_sv TEXT NOT NULL,
        text_en TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        sort INTEGER NOT NULL DEFAULT 0
      );

      -- Only salted scrypt hashes of normalized answers (DESIGN.md §1: visible to nobody).
      CREATE TABLE security_answers (
        method_id INTEGER NOT NULL REFERENCES methods(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL REFERENCES questions(id),
        answer_hash BLOB NOT NULL,
        PRIMARY KEY (method_id, question_id)
      ) WITHOUT ROWID;
    `);
  },
};

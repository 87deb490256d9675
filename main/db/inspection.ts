/**
 * Read-only questions about what the registry stores, for the tests and checks that look
 * behind the services: a backup's contents, secrets sealed at rest (docs/SECURITY-REVIEW.md),
 * nothing half-written or orphaned after a crash (docs/DESIGN.md "crash safety"). Named queries
 * only: nothing here writes, and a file is opened read-only.
 */
import { integrityOk, openDatabase, type Db } from './connection';

/** A method row as stored (the secret still sealed). */
export interface StoredMethod {
  readonly id: number;
  readonly person_id: number;
  readonly kind: string;
  readonly secret: Buffer | null;
  readonly data: string | null;
  readonly is_default: number;
}

const count = (db: Db, sql: string, ...params: unknown[]): number =>
  (db.prepare(sql).get(...params) as { n: number }).n;

export class RegistryInspection {
  constructor(private readonly db: Db) {}

  /** A registry file (a backup, a stopped station's), read-only; `close` when done. */
  static openFile(path: string): RegistryInspection & { close(): void } {
    const db = openDatabase({ path, readonly: true });
    return Object.assign(new RegistryInspection(db), { close: () => db.close() });
  }

  /** PRAGMA integrity_check == ok. */
  integrityOk(): boolean {
    return integrityOk(this.db);
  }

  peopleCount(): number {
    return count(this.db, 'SELECT count(*) AS n FROM people');
  }

  /** Identity-provider outbox items not yet confirmed (pending, or sent and not answered). */
  idpOutboxOpen(): number {
    return count(
      this.db,
      "SELECT count(*) AS n FROM idp_outbox WHERE state IN ('pending', 'sent')",
    );
  }

  methods(): StoredMethod[] {
    return this.db
      .prepare('SELECT id, person_id, kind, secret, data, is_default FROM methods ORDER BY id')
      .all() as StoredMethod[];
  }

  method(id: number): StoredMethod | undefined {
    return this.db
      .prepare('SELECT id, person_id, kind, secret, data, is_default FROM methods WHERE id = ?')
      .get(id) as StoredMethod | undefined;
  }

  methodIds(): number[] {
    return (this.db.prepare('SELECT id FROM methods ORDER BY id').all() as { id: number }[]).map(
      (r) => r.id,
    );
  }

  /** Every stored security-key credential, all columns. */
  keyCredentials(): Record<string, unknown>[] {
    return this.db
      .prepare('SELECT * FROM security_key_credentials ORDER BY method_id')
      .all() as Record<string, unknown>[];
  }

  hasKeyCredential(methodId: number): boolean {
    return (
      count(
        this.db,
        'SELECT count(*) AS n FROM security_key_credentials WHERE method_id = ?',
        methodId,
      ) > 0
    );
  }

  /** The serial of the hardware token a method activated. */
  oathSerialOf(methodId: number): string | undefined {
    const row = this.db
      .prepare('SELECT serial FROM oath_tokens WHERE method_id = ?')
      .get(methodId) as { serial: string } | undefined;
    return row?.serial;
  }

  /** The sealed secrets of the token inventory. */
  oathSecrets(): Buffer[] {
    return (this.db.prepare('SELECT secret FROM oath_tokens').all() as { secret: Buffer }[]).map(
      (r) => r.secret,
    );
  }

  /** Stored answer hashes, of one question or all. */
  answerHashes(questionId?: string): string[] {
    const rows = (
      questionId === undefined
        ? this.db.prepare('SELECT answer_hash FROM security_answers').all()
        : this.db
            .prepare('SELECT answer_hash FROM security_answers WHERE question_id = ?')
            .all(questionId)
    ) as { answer_hash: string }[];
    return rows.map((r) => String(r.answer_hash));
  }

  /** Stored answers, of one method or all. */
  answerCount(methodId?: number): number {
    return methodId === undefined
      ? count(this.db, 'SELECT count(*) AS n FROM security_answers')
      : count(this.db, 'SELECT count(*) AS n FROM security_answers WHERE method_id = ?', methodId);
  }

  /** Rows that belong to a method that does not exist (must always be none). */
  orphans(): { keyCredentials: number; answers: number } {
    return {
      keyCredentials: count(
        this.db,
        'SELECT count(*) AS n FROM security_key_credentials WHERE method_id NOT IN (SELECT id FROM methods)',
      ),
      answers: count(
        this.db,
        'SELECT count(*) AS n FROM security_answers WHERE method_id NOT IN (SELECT id FROM methods)',
      ),
    };
  }

  passHashes(): string[] {
    return (
      this.db.prepare('SELECT pass_hash FROM access_passes').all() as { pass_hash: string }[]
    ).map((r) => String(r.pass_hash));
  }

  passCount(): number {
    return count(this.db, 'SELECT count(*) AS n FROM access_passes');
  }

  operatorPasswordHashes(): string[] {
    return (
      this.db.prepare('SELECT password_hash FROM operators ORDER BY id').all() as {
        password_hash: string;
      }[]
    ).map((r) => r.password_hash);
  }

  /** A verification code row by its id (the enrollment or reset it was sent for). */
  verificationCode(id: string): { used_at: string | null; code_hash: Buffer } | undefined {
    return this.db
      .prepare('SELECT used_at, code_hash FROM verification_codes WHERE id = ?')
      .get(id) as { used_at: string | null; code_hash: Buffer } | undefined;
  }

  verificationCodeCount(): number {
    return count(this.db, 'SELECT count(*) AS n FROM verification_codes');
  }

  /** The sealed bodies of the outbox's messages. */
  outboxBodies(): Buffer[] {
    return (
      this.db.prepare('SELECT body_sealed FROM outbox ORDER BY id').all() as {
        body_sealed: Buffer;
      }[]
    ).map((r) => r.body_sealed);
  }

  /** The identity provider connection's sealed client secret. */
  idpConnectionSecret(): Buffer | undefined {
    const row = this.db.prepare('SELECT secret_sealed FROM idp_connection').get() as
      { secret_sealed: Buffer } | undefined;
    return row?.secret_sealed;
  }

  auditRowCount(): number {
    return count(this.db, 'SELECT count(*) AS n FROM audit_log');
  }

  /** The newest audit row's sequence number (0 when the log is empty). */
  lastAuditSeq(): number {
    return count(this.db, 'SELECT coalesce(max(seq), 0) AS n FROM audit_log');
  }

  // The schema itself, for main/db's own migration tests.

  /** The connection settings the crash-safety promise depends on (docs/DESIGN.md §5). */
  connectionSettings(): { journalMode: string; synchronous: number; foreignKeys: boolean } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
    };
  }

  /** The names of the registry's tables, sorted. */
  tables(): string[] {
    return (
      this.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all() as { name: string }[]
    ).map((r) => r.name);
  }

  /** A table's columns (name, NOT NULL), in order; none for a table that does not exist. */
  columns(table: string): { name: string; notnull: boolean }[] {
    return (
      this.db.prepare('SELECT name, "notnull" AS nn FROM pragma_table_info(?)').all(table) as {
        name: string;
        nn: number;
      }[]
    ).map((c) => ({ name: c.name, notnull: c.nn === 1 }));
  }

  /** The number of rows in one of the registry's tables. */
  rowCount(table: string): number {
    if (!this.tables().includes(table)) throw new Error(`no table ${table}`);
    return count(this.db, `SELECT count(*) AS n FROM "${table}"`);
  }

  /** People whose name, UPN or department matches a full-text query (schema 1 to 5). */
  fullTextMatches(query: string): number[] {
    return (
      this.db.prepare('SELECT rowid FROM people_fts WHERE people_fts MATCH ?').all(query) as {
        rowid: number;
      }[]
    ).map((r) => r.rowid);
  }

  /** A person's folded search keys (schema 6 on). */
  personSearchKeys(id: number): { search_name: string; search_sort: string } | undefined {
    return this.db.prepare('SELECT search_name, search_sort FROM people WHERE id = ?').get(id) as
      { search_name: string; search_sort: string } | undefined;
  }

  /** How SQLite runs a search-as-you-type name prefix scan (EXPLAIN QUERY PLAN details). */
  namePrefixPlan(prefix: string): string[] {
    return (
      this.db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT id FROM people WHERE search_name >= ? AND search_name < ? ORDER BY search_name LIMIT 20',
        )
        .all(prefix, `${prefix}\uffff`) as { detail: string }[]
    ).map((r) => r.detail);
  }

  /** The person of each outbox message (null once the person is gone). */
  outboxPersonIds(): (number | null)[] {
    return (
      this.db.prepare('SELECT person_id FROM outbox ORDER BY id').all() as {
        person_id: number | null;
      }[]
    ).map((r) => r.person_id);
  }

  /** The person of each identity-provider outbox item (null once the person is gone). */
  idpOutboxPersonIds(): (number | null)[] {
    return (
      this.db.prepare('SELECT person_id FROM idp_outbox ORDER BY id').all() as {
        person_id: number | null;
      }[]
    ).map((r) => r.person_id);
  }

  /** Requests to an administrator: the ID typed and the person it named (null once gone). */
  adminRequests(): { upn: string; person_id: number | null }[] {
    return this.db.prepare('SELECT upn, person_id FROM admin_requests ORDER BY id').all() as {
      upn: string;
      person_id: number | null;
    }[];
  }
}

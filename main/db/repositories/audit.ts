import type { Db } from '../connection';

/** An `audit_log` row as stored (the HMAC chain: prev_hash → hash). */
export interface AuditRow {
  seq: number;
  at: string;
  station_id: string;
  actor_kind: 'system' | 'operator' | 'person';
  actor_id: string;
  actor_label: string;
  action: string;
  person_id: number | null;
  details: string;
  prev_hash: Buffer;
  hash: Buffer;
}

/** Where the MACed head of the chain (last seq + hash) is kept, in `station_settings`. */
export const AUDIT_HEAD_KEY = 'audit.head';

/** All SQL on `audit_log` and its head; append-only (no update, no delete). */
export class AuditRepository {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO audit_log (seq, at, station_id, actor_kind, actor_id, actor_label, action,
           person_id, details, prev_hash, hash)
         VALUES (@seq, @at, @station_id, @actor_kind, @actor_id, @actor_label, @action,
           @person_id, @details, @prev_hash, @hash)`,
      ),
      last: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      hashAt: db.prepare('SELECT hash FROM audit_log WHERE seq = ?'),
      setHead: db.prepare(
        `INSERT INTO station_settings (key, value) VALUES ('${AUDIT_HEAD_KEY}', ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ),
      head: db.prepare(`SELECT value FROM station_settings WHERE key = '${AUDIT_HEAD_KEY}'`),
      page: db.prepare(
        `SELECT * FROM audit_log
         WHERE (@person IS NULL OR person_id = @person) AND (@before IS NULL OR seq < @before)
         ORDER BY seq DESC LIMIT @limit`,
      ),
    };
  }

  /**
   * Runs `fn` in one transaction (a savepoint inside an outer one), so reading the previous
   * row, inserting and moving the head commit together.
   */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  last(): { seq: number; hash: Buffer } | undefined {
    return this.stmts.last.get() as { seq: number; hash: Buffer } | undefined;
  }

  /** The stored hash of row `seq`, if there is such a row. */
  hashAt(seq: number): Buffer | undefined {
    return (this.stmts.hashAt.get(seq) as { hash: Buffer } | undefined)?.hash;
  }

  insert(row: AuditRow): void {
    this.stmts.insert.run(row);
  }

  head(): string | undefined {
    return (this.stmts.head.get() as { value: string } | undefined)?.value;
  }

  setHead(value: string): void {
    this.stmts.setHead.run(value);
  }

  /** Newest first. */
  page(opts: { personId: number | null; beforeSeq: number | null; limit: number }): AuditRow[] {
    return this.stmts.page.all({
      person: opts.personId,
      before: opts.beforeSeq,
      limit: opts.limit,
    }) as AuditRow[];
  }

  /**
   * Every row, oldest first, streamed. A fresh statement per walk, so two walks may overlap
   * (a statement that is iterating cannot run again until it is done).
   */
  *all(): Generator<AuditRow> {
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate()) {
      yield row as AuditRow;
    }
  }
}

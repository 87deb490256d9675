import type { Db } from '../connection';

/** An `outbox` row: a message the offline gateway keeps for staff to deliver. */
export interface OutboxRow {
  id: number;
  channel: 'sms' | 'call' | 'email';
  destination: string;
  /** Sealed with the station key (the body carries a code). */
  body_sealed: Buffer;
  person_id: number | null;
  created_at: string;
  delivered_at: string | null;
}

export interface OutboxValues {
  channel: OutboxRow['channel'];
  destination: string;
  /** Already sealed. */
  bodySealed: Buffer;
  personId: number | null;
  createdAt: string;
}

/** The newest messages a list shows at most. */
const LIST_LIMIT = 500;

/** All SQL on `outbox` (codes waiting for delivery by staff on an offline station). */
export class OutboxRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO outbox (channel, destination, body_sealed, person_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      all: db.prepare(`SELECT * FROM outbox ORDER BY id DESC LIMIT ${LIST_LIMIT}`),
      pending: db.prepare(
        `SELECT * FROM outbox WHERE delivered_at IS NULL ORDER BY id DESC LIMIT ${LIST_LIMIT}`,
      ),
      markDelivered: db.prepare(
        'UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL',
      ),
    };
  }

  insert(v: OutboxValues): void {
    this.stmts.insert.run(v.channel, v.destination, v.bodySealed, v.personId, v.createdAt);
  }

  /** Newest first. */
  list(pendingOnly: boolean): OutboxRow[] {
    return (pendingOnly ? this.stmts.pending : this.stmts.all).all() as OutboxRow[];
  }

  markDelivered(id: number, at: string): void {
    this.stmts.markDelivered.run(at, id);
  }
}

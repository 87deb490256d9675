import type { Db } from '../connection';

/** A `verification_codes` row: only the code's keyed hash is stored. */
export interface VerificationCodeRow {
  id: string;
  person_id: number;
  channel: 'sms' | 'call' | 'email';
  destination: string;
  code_hash: Buffer;
  created_at: string;
  expires_at: string;
  attempts: number;
  used_at: string | null;
}

export interface VerificationCodeValues {
  id: string;
  personId: number;
  channel: VerificationCodeRow['channel'];
  destination: string;
  codeHash: Buffer;
  createdAt: string;
  expiresAt: string;
}

/**
 * All SQL that writes or checks one-time codes (`verification_codes`); the send-rate queries
 * are CodeRequestRepository's (./codeRequests.ts).
 */
export class VerificationCodeRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO verification_codes (id, person_id, channel, destination, code_hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      remove: db.prepare('DELETE FROM verification_codes WHERE id = ?'),
      expire: db.prepare(
        'UPDATE verification_codes SET expires_at = ? WHERE id = ? AND used_at IS NULL',
      ),
      find: db.prepare('SELECT * FROM verification_codes WHERE id = ?'),
      countAttempt: db.prepare(
        'UPDATE verification_codes SET attempts = attempts + 1 WHERE id = ?',
      ),
      markUsed: db.prepare(
        'UPDATE verification_codes SET used_at = ? WHERE id = ? AND used_at IS NULL',
      ),
    };
  }

  insert(v: VerificationCodeValues): void {
    this.stmts.insert.run(
      v.id,
      v.personId,
      v.channel,
      v.destination,
      v.codeHash,
      v.createdAt,
      v.expiresAt,
    );
  }

  remove(id: string): void {
    this.stmts.remove.run(id);
  }

  /** Makes an unused code expire at `at` (it stays as a row, so it still counts). */
  expire(id: string, at: string): void {
    this.stmts.expire.run(at, id);
  }

  find(id: string): VerificationCodeRow | undefined {
    return this.stmts.find.get(id) as VerificationCodeRow | undefined;
  }

  countAttempt(id: string): void {
    this.stmts.countAttempt.run(id);
  }

  /** False when the code was used meanwhile. */
  markUsed(id: string, at: string): boolean {
    return this.stmts.markUsed.run(at, id).changes === 1;
  }
}

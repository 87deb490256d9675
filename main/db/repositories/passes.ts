import type { Db } from '../connection';

/** An `access_passes` row: one pass per person, only its scrypt hash stored. */
export interface PassRow {
  person_id: number;
  pass_hash: string;
  one_time: number;
  issued_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface PassValues {
  personId: number;
  passHash: string;
  oneTime: boolean;
  issuedAt: string;
  expiresAt: string;
  /** Who issued it (the operator's username, or 'demo'). */
  issuedBy: string;
}

/** All SQL on `access_passes` (temporary access passes for kiosk sign-in). */
export class AccessPassRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      forPerson: db.prepare('SELECT * FROM access_passes WHERE person_id = ?'),
      remove: db.prepare('DELETE FROM access_passes WHERE person_id = ?'),
      insert: db.prepare(
        `INSERT INTO access_passes (person_id, pass_hash, one_time, issued_at, expires_at, issued_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      markUsed: db.prepare(
        'UPDATE access_passes SET used_at = ? WHERE person_id = ? AND used_at IS NULL',
      ),
    };
  }

  forPerson(personId: number): PassRow | undefined {
    return this.stmts.forPerson.get(personId) as PassRow | undefined;
  }

  /** Removes the person's pass; true when there was one. */
  remove(personId: number): boolean {
    return this.stmts.remove.run(personId).changes > 0;
  }

  insert(v: PassValues): void {
    this.stmts.insert.run(
      v.personId,
      v.passHash,
      v.oneTime ? 1 : 0,
      v.issuedAt,
      v.expiresAt,
      v.issuedBy,
    );
  }

  /** Marks a one-time pass used; false when it already was (a race lost). */
  markUsed(personId: number, at: string): boolean {
    return this.stmts.markUsed.run(at, personId).changes === 1;
  }
}

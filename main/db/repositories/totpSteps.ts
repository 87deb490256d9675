import type { Db } from '../connection';

export interface TotpStepRow {
  last_step: number | null;
  failures: number;
  last_failure_at: string | null;
}

/** The `totp_steps` table: per secret (keyed hash), the last accepted step and failures. */
export class TotpStepRepository {
  private readonly getStmt;
  private readonly acceptStmt;
  private readonly failStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare(
      'SELECT last_step, failures, last_failure_at FROM totp_steps WHERE secret_mac = ?',
    );
    this.acceptStmt = db.prepare(
      `INSERT INTO totp_steps (secret_mac, last_step, failures, updated_at) VALUES (?, ?, 0, ?)
       ON CONFLICT(secret_mac) DO UPDATE SET
         last_step = max(coalesce(last_step, -1), excluded.last_step),
         failures = 0, last_failure_at = NULL, updated_at = excluded.updated_at`,
    );
    this.failStmt = db.prepare(
      `INSERT INTO totp_steps (secret_mac, failures, last_failure_at, updated_at) VALUES (?, 1, ?, ?)
       ON CONFLICT(secret_mac) DO UPDATE SET failures = failures + 1,
         last_failure_at = excluded.last_failure_at, updated_at = excluded.updated_at
       RETURNING failures`,
    );
  }

  get(secretMac: Buffer): TotpStepRow | undefined {
    return this.getStmt.get(secretMac) as TotpStepRow | undefined;
  }

  /** Records an accepted step (never moves back) and clears the failures. */
  accept(secretMac: Buffer, step: number, atIso: string): void {
    this.acceptStmt.run(secretMac, step, atIso);
  }

  /** Counts a failed attempt; returns the failures so far. */
  fail(secretMac: Buffer, atIso: string): number {
    return (this.failStmt.get(secretMac, atIso, atIso) as { failures: number }).failures;
  }
}

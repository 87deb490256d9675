import type { Db } from '../connection';

export type ResetAttemptKind = 'lookup' | 'failure' | 'send';

export interface AdminRequestRow {
  id: number;
  upn: string;
  person_id: number | null;
  station_id: string;
  station_name: string;
  reason: string;
  created_at: string;
  emailed: number;
  handled_at: string | null;
}

export interface ResetCredentialRow {
  method_id: number;
  credential_id: Buffer;
  public_key: Buffer;
  sign_count: number;
  rp_id: string;
}

/**
 * The password-reset tables (migration 012): counted attempts per user ID and per station, the
 * operators' requests from "Kontakta en administratör", administrators at the provider, and the
 * person's security-key credentials as a reset verifies them.
 */
export class PasswordResetRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insertAttempt: db.prepare(
        'INSERT INTO reset_attempts (subject_mac, station_id, kind, at) VALUES (?, ?, ?, ?)',
      ),
      bySubject: db.prepare(
        'SELECT at FROM reset_attempts WHERE subject_mac = ? AND kind = ? AND at > ? ORDER BY at',
      ),
      byStation: db.prepare(
        'SELECT at FROM reset_attempts WHERE station_id = ? AND kind = ? AND at > ? ORDER BY at',
      ),
      clearFailures: db.prepare(
        "DELETE FROM reset_attempts WHERE subject_mac = ? AND kind = 'failure'",
      ),
      insertRequest: db.prepare(
        `INSERT INTO admin_requests (upn, person_id, station_id, station_name, reason, created_at, emailed)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      listRequests: db.prepare(
        `SELECT * FROM admin_requests WHERE (? = 0 OR handled_at IS NULL)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      handleRequest: db.prepare(
        'UPDATE admin_requests SET handled_at = ? WHERE id = ? AND handled_at IS NULL',
      ),
      isAdmin: db.prepare('SELECT is_admin FROM person_roles WHERE person_id = ?'),
      setAdmin: db.prepare(
        `INSERT INTO person_roles (person_id, is_admin) VALUES (?, ?)
         ON CONFLICT(person_id) DO UPDATE SET is_admin = excluded.is_admin`,
      ),
      credentials: db.prepare(
        `SELECT k.method_id, k.credential_id, k.public_key, k.sign_count, k.rp_id
         FROM security_key_credentials k JOIN methods m ON m.id = k.method_id
         WHERE m.person_id = ? ORDER BY m.id`,
      ),
      setSignCount: db.prepare(
        'UPDATE security_key_credentials SET sign_count = ? WHERE credential_id = ?',
      ),
    };
  }

  countAttempt(subjectMac: Buffer, stationId: string, kind: ResetAttemptKind, at: string): void {
    this.stmts.insertAttempt.run(subjectMac, stationId, kind, at);
  }

  /** Times of the subject's attempts of `kind` after `since`, oldest first. */
  subjectAttempts(subjectMac: Buffer, kind: ResetAttemptKind, since: string): string[] {
    return (this.stmts.bySubject.all(subjectMac, kind, since) as { at: string }[]).map((r) => r.at);
  }

  stationAttempts(stationId: string, kind: ResetAttemptKind, since: string): string[] {
    return (this.stmts.byStation.all(stationId, kind, since) as { at: string }[]).map((r) => r.at);
  }

  /** A reset or sign-in that succeeded starts the user ID's failure count again. */
  clearFailures(subjectMac: Buffer): void {
    this.stmts.clearFailures.run(subjectMac);
  }

  insertRequest(r: {
    upn: string;
    personId: number | null;
    stationId: string;
    stationName: string;
    reason: string;
    at: string;
    emailed: boolean;
  }): number {
    return Number(
      this.stmts.insertRequest.run(
        r.upn,
        r.personId,
        r.stationId,
        r.stationName,
        r.reason,
        r.at,
        r.emailed ? 1 : 0,
      ).lastInsertRowid,
    );
  }

  requests(openOnly: boolean, limit: number): AdminRequestRow[] {
    return this.stmts.listRequests.all(openOnly ? 1 : 0, limit) as AdminRequestRow[];
  }

  handleRequest(id: number, at: string): boolean {
    return this.stmts.handleRequest.run(at, id).changes === 1;
  }

  isAdmin(personId: number): boolean {
    const row = this.stmts.isAdmin.get(personId) as { is_admin: number } | undefined;
    return row?.is_admin === 1;
  }

  setAdmin(personId: number, isAdmin: boolean): void {
    this.stmts.setAdmin.run(personId, isAdmin ? 1 : 0);
  }

  credentials(personId: number): ResetCredentialRow[] {
    return this.stmts.credentials.all(personId) as ResetCredentialRow[];
  }

  setSignCount(credentialId: Buffer, count: number): void {
    this.stmts.setSignCount.run(count, credentialId);
  }
}

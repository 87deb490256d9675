/**
 * What someone with write access to the registry file could do behind the station's back, for
 * the tests that show the station notices or the schema refuses it (docs/SECURITY-REVIEW.md:
 * the audit chain finds edited, deleted and cut-off rows; the registry itself refuses a second
 * default method). Named writes only, never used by the station.
 */
import { openDatabase, type Db } from './connection';

export class RegistryTampering {
  constructor(private readonly db: Db) {}

  /** A registry file of a stopped (or running) station; `close` when done. */
  static openFile(path: string): RegistryTampering & { close(): void } {
    const db = openDatabase({ path });
    return Object.assign(new RegistryTampering(db), { close: () => db.close() });
  }

  /** Drops the audit log's append-only triggers, as an attacker with the file can. */
  unlockAudit(): void {
    this.db.exec(
      'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
    );
  }

  setAuditDetails(seq: number, details: string): void {
    this.db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(details, seq);
  }

  setAuditActorLabel(seq: number, label: string): void {
    this.db.prepare('UPDATE audit_log SET actor_label = ? WHERE seq = ?').run(label, seq);
  }

  /** Renames every row's action (refused while the log is append-only). */
  setAuditActions(action: string): void {
    this.db.prepare('UPDATE audit_log SET action = ?').run(action);
  }

  deleteAuditRow(seq: number): void {
    this.db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
  }

  /** Cuts the newest `rows` rows off the end of the log. */
  cutAuditTail(rows: number): void {
    this.db
      .prepare('DELETE FROM audit_log WHERE seq > (SELECT max(seq) - ? FROM audit_log)')
      .run(rows);
  }

  /** Deletes every row after `seq`. */
  deleteAuditRowsAfter(seq: number): void {
    this.db.prepare('DELETE FROM audit_log WHERE seq > ?').run(seq);
  }

  /** Deletes the log's recorded head (the newest row's hash the station keeps beside it). */
  deleteAuditHead(): void {
    this.db.prepare("DELETE FROM station_settings WHERE key = 'audit.head'").run();
  }

  /** Empties the audit log (refused while it is append-only). */
  deleteAuditLog(): void {
    this.db.prepare('DELETE FROM audit_log').run();
  }

  /** Marks a method default directly (the registry refuses a second default or a non-MFA one). */
  markDefault(methodId: number): void {
    this.db.prepare('UPDATE methods SET is_default = 1 WHERE id = ?').run(methodId);
  }

  /** Clears a person's default flags directly. */
  clearDefaults(personId: number): void {
    this.db.prepare('UPDATE methods SET is_default = 0 WHERE person_id = ?').run(personId);
  }
}

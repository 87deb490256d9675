/**
 * What someone with write access to the registry file could do behind the station's back, for
 * the tests that show the station notices or the schema refuses it (docs/SECURITY-REVIEW.md:
 * the audit chain finds edited, deleted and cut-off rows; the registry itself refuses a second
 * default method). Named writes only, never used by the station.
 *
 * The raw rows below are what the schema tests of main/db write past the repositories, to show
 * each migration's constraints hold on their own (docs/DESIGN.md §5: rules that must hold even
 * if a service has a bug are constraints too). Each names only the columns its table had when
 * its migration created it, so it works on that schema version and every later one.
 */
import { openDatabase, type Db } from './connection';

/** A time stamp for raw rows that do not care which. */
const AT = '2026-03-02T09:00:00.000Z';

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

  /** Sets the file's schema version (PRAGMA user_version), e.g. to one this build does not know. */
  setSchemaVersion(version: number): void {
    if (!Number.isSafeInteger(version) || version < 0) throw new RangeError('schema version');
    this.db.pragma(`user_version = ${version}`);
  }

  // Raw rows (schema tests). Each returns the new row's id where the table has one.

  /** A person with only the columns of the first schema (the others take their defaults). */
  insertPerson(row: { id?: number; upn: string; displayName: string }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO people (id, upn, display_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(row.id ?? null, row.upn, row.displayName, AT, AT).lastInsertRowid,
    );
  }

  /** Deletes a person row directly (what hangs off it cascades or lets go, as the schema says). */
  deletePerson(id: number): void {
    this.db.prepare('DELETE FROM people WHERE id = ?').run(id);
  }

  insertMethod(row: { personId: number; kind: string; isDefault?: boolean }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO methods (person_id, kind, is_default, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(row.personId, row.kind, row.isDefault ? 1 : 0, AT).lastInsertRowid,
    );
  }

  insertAuditRow(seq: number): void {
    this.db
      .prepare(
        "INSERT INTO audit_log (seq, at, station_id, actor_kind, action, prev_hash, hash) VALUES (?, ?, 's', 'system', 'x', x'00', x'00')",
      )
      .run(seq, AT);
  }

  /** A sealed station key row (the table holds one, id 1). */
  insertStationKey(id: number): void {
    this.db
      .prepare("INSERT INTO station_key (id, sealed, sealer, created_at) VALUES (?, x'00', 'f', ?)")
      .run(id, AT);
  }

  insertOathToken(row: { serial: string; upn: string; period: number }): void {
    this.db
      .prepare(
        "INSERT INTO oath_tokens (serial, upn, secret, period, imported_at) VALUES (?, ?, x'00', ?, ?)",
      )
      .run(row.serial, row.upn, row.period, AT);
  }

  insertPass(personId: number): void {
    this.db
      .prepare(
        "INSERT INTO access_passes (person_id, pass_hash, one_time, issued_at, expires_at) VALUES (?, 'h', 1, ?, ?)",
      )
      .run(personId, AT, AT);
  }

  /** An operator; without `role` the column takes its default. */
  insertOperator(row: { username: string; role?: string }): number {
    const run =
      row.role === undefined
        ? this.db
            .prepare(
              "INSERT INTO operators (username, display_name, created_at) VALUES (?, 'D', ?)",
            )
            .run(row.username, AT)
        : this.db
            .prepare(
              "INSERT INTO operators (username, display_name, role, created_at) VALUES (?, 'D', ?, ?)",
            )
            .run(row.username, row.role, AT);
    return Number(run.lastInsertRowid);
  }

  insertVerificationCode(row: { id: string; personId: number; channel: string }): void {
    this.db
      .prepare(
        "INSERT INTO verification_codes (id, person_id, channel, destination, code_hash, created_at, expires_at) VALUES (?, ?, ?, 'd', x'00', ?, ?)",
      )
      .run(row.id, row.personId, row.channel, AT, AT);
  }

  insertOutboxMessage(row: { personId: number; channel: string }): number {
    return Number(
      this.db
        .prepare(
          "INSERT INTO outbox (channel, destination, body_sealed, person_id, created_at) VALUES (?, 'd', x'00', ?, ?)",
        )
        .run(row.channel, row.personId, AT).lastInsertRowid,
    );
  }

  /** An identity-provider connection row (the table holds one, id 1). */
  insertIdpConnection(id: number): void {
    this.db
      .prepare(
        "INSERT INTO idp_connection (id, tenant_id, client_id, credential_kind, authority_host, graph_host, updated_at) VALUES (?, 't', 'c', 'secret', 'a', 'g', ?)",
      )
      .run(id, AT);
  }

  insertIdpOutboxItem(row: { itemKey: string; personId: number; state: string }): void {
    this.db
      .prepare(
        "INSERT INTO idp_outbox (item_key, person_id, operation, http_method, path, state, next_attempt_at, created_at) VALUES (?, ?, 'fido2.register', 'POST', '/v1.0/x', ?, ?, ?)",
      )
      .run(row.itemKey, row.personId, row.state, AT, AT);
  }

  /** Links a person to their identity-provider object. */
  insertIdpPerson(personId: number, providerId: string): void {
    this.db
      .prepare('INSERT INTO idp_people (person_id, provider_id, pulled_at) VALUES (?, ?, ?)')
      .run(personId, providerId, AT);
  }

  /** A method the provider holds for a linked person (pulled, not enrolled here). */
  insertIdpProviderMethod(personId: number, providerMethodId: string): void {
    this.db
      .prepare(
        "INSERT INTO idp_provider_methods (person_id, provider_method_id, type, label, detail, pulled_at) VALUES (?, ?, 'phone', 'mobile', '+46 70', ?)",
      )
      .run(personId, providerMethodId, AT);
  }

  setProvisioningPersonState(upn: string, state: string): void {
    this.db.prepare('UPDATE provisioning_people SET state = ? WHERE upn = ?').run(state, upn);
  }

  insertResetAttempt(kind: string): void {
    this.db
      .prepare(
        "INSERT INTO reset_attempts (subject_mac, station_id, kind, at) VALUES (x'01', 's', ?, ?)",
      )
      .run(kind, AT);
  }

  /** A request to an administrator, by the ID the person typed (and the person it names). */
  insertAdminRequest(upn: string, personId: number): void {
    this.db
      .prepare(
        "INSERT INTO admin_requests (upn, person_id, station_id, reason, created_at) VALUES (?, ?, 's', 'notEnabled', ?)",
      )
      .run(upn, personId, AT);
  }

  insertPersonRole(personId: number, isAdmin: boolean): void {
    this.db
      .prepare('INSERT INTO person_roles (person_id, is_admin) VALUES (?, ?)')
      .run(personId, isAdmin ? 1 : 0);
  }

  /** A TOTP step row for a secret's hash, as its first use writes it. */
  insertTotpStep(secretMac: Buffer): void {
    this.db
      .prepare('INSERT INTO totp_steps (secret_mac, updated_at) VALUES (?, ?)')
      .run(secretMac, AT);
  }
}

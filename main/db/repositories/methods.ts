import type { MethodKind } from '../../../domain/methods';
import type { Db } from '../connection';

/** The kinds the `methods.kind` CHECK allows (migration 001): domain/methods.ts. */
export type MethodKindValue = MethodKind;

/** A `methods` row, with its security key's AAGUID and model when it has one. */
export interface MethodRow {
  id: number;
  person_id: number;
  kind: MethodKindValue;
  label: string;
  detail: string;
  secret: Buffer | null;
  data: string;
  is_default: number;
  created_at: string;
  last_used_at: string | null;
  key_aaguid?: string | null;
  key_model?: string | null;
}

export interface MethodValues {
  kind: MethodKindValue;
  label: string;
  detail: string;
  /** Already sealed; the repository never sees a plaintext secret. */
  secret: Buffer | null;
  data: string;
  isDefault: boolean;
}

export interface KeyCredentialValues {
  credentialId: Buffer;
  publicKey: Buffer;
  aaguid: string;
  modelName: string;
  signCount: number;
  transports: string[];
  attestationFormat: string;
  rpId: string;
  userHandle: Buffer;
  /** The RegistrationResponseJSON as the key produced it (public), when known. */
  registrationJson?: string | null;
}

/** The person and method a key credential belongs to. */
export interface KeyCredentialOwner {
  person_id: number;
  label: string;
  display_name: string;
  upn: string;
}

/** All SQL on `methods` and the tables that hang off a method (key credentials, answers). */
export class MethodRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      forPerson: db.prepare(
        `SELECT m.*, k.aaguid AS key_aaguid, k.model_name AS key_model
         FROM methods m LEFT JOIN security_key_credentials k ON k.method_id = m.id
         WHERE m.person_id = ? ORDER BY m.created_at, m.id`,
      ),
      insert: db.prepare(
        `INSERT INTO methods (person_id, kind, label, detail, secret, data, is_default, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      remove: db.prepare('DELETE FROM methods WHERE id = ?'),
      hasDefault: db.prepare('SELECT 1 FROM methods WHERE person_id = ? AND is_default = 1'),
      clearDefault: db.prepare(
        'UPDATE methods SET is_default = 0 WHERE person_id = ? AND is_default = 1',
      ),
      makeDefault: db.prepare('UPDATE methods SET is_default = 1 WHERE id = ?'),
      markUsed: db.prepare('UPDATE methods SET last_used_at = ? WHERE id = ?'),
      setData: db.prepare('UPDATE methods SET data = ? WHERE id = ?'),
      countKinds: db.prepare(
        'SELECT count(*) AS n FROM methods WHERE person_id = ? AND kind IN (SELECT value FROM json_each(?))',
      ),
      releaseToken: db.prepare(
        'UPDATE oath_tokens SET method_id = NULL, activated_at = NULL WHERE method_id = ?',
      ),
      keyCredentialIds: db.prepare(
        `SELECT k.credential_id FROM security_key_credentials k JOIN methods m ON m.id = k.method_id
         WHERE m.person_id = ?`,
      ),
      keyUserHandle: db.prepare(
        `SELECT k.user_handle FROM security_key_credentials k JOIN methods m ON m.id = k.method_id
         WHERE m.person_id = ? LIMIT 1`,
      ),
      insertKey: db.prepare(
        `INSERT INTO security_key_credentials (method_id, credential_id, public_key, aaguid, model_name,
           sign_count, transports, attestation_format, rp_id, user_handle, registration_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      keyCredentialOwners: db.prepare(
        `SELECT k.credential_id, m.person_id, m.label, p.display_name, p.upn
         FROM security_key_credentials k JOIN methods m ON m.id = k.method_id
         JOIN people p ON p.id = m.person_id
         WHERE k.credential_id IN (SELECT unhex(value) FROM json_each(?))`,
      ),
      insertAnswer: db.prepare(
        'INSERT INTO security_answers (method_id, question_id, answer_hash) VALUES (?, ?, ?)',
      ),
      answers: db.prepare(
        'SELECT question_id, answer_hash FROM security_answers WHERE method_id = ?',
      ),
      kindCounts: db.prepare(
        'SELECT person_id, kind, count(*) AS n, max(is_default) AS d FROM methods GROUP BY person_id, kind',
      ),
    };
  }

  forPerson(personId: number): MethodRow[] {
    return this.stmts.forPerson.all(personId) as MethodRow[];
  }

  insert(personId: number, v: MethodValues, at: string): number {
    const info = this.stmts.insert.run(
      personId,
      v.kind,
      v.label,
      v.detail,
      v.secret,
      v.data,
      v.isDefault ? 1 : 0,
      at,
    );
    return Number(info.lastInsertRowid);
  }

  /** Deletes a method; its key credential or answers go with it (ON DELETE CASCADE). */
  remove(methodId: number): void {
    this.stmts.releaseToken.run(methodId);
    this.stmts.remove.run(methodId);
  }

  hasDefault(personId: number): boolean {
    return this.stmts.hasDefault.get(personId) !== undefined;
  }

  /** Moves the default flag (the partial unique index allows one per person). */
  setDefault(personId: number, methodId: number): void {
    this.stmts.clearDefault.run(personId);
    this.stmts.makeDefault.run(methodId);
  }

  /** Replaces a method's JSON facts (its name for an app or token). */
  setData(methodId: number, data: string): void {
    this.stmts.setData.run(data, methodId);
  }

  markUsed(methodId: number, at: string): void {
    this.stmts.markUsed.run(at, methodId);
  }

  countKinds(personId: number, kinds: readonly MethodKindValue[]): number {
    return (this.stmts.countKinds.get(personId, JSON.stringify(kinds)) as { n: number }).n;
  }

  keyCredentialIds(personId: number): Buffer[] {
    return (this.stmts.keyCredentialIds.all(personId) as { credential_id: Buffer }[]).map((r) =>
      Buffer.from(r.credential_id),
    );
  }

  /** The WebAuthn user handle the person's earlier keys use, so all their keys share one. */
  keyUserHandle(personId: number): Buffer | undefined {
    const row = this.stmts.keyUserHandle.get(personId) as { user_handle: Buffer } | undefined;
    return row ? Buffer.from(row.user_handle) : undefined;
  }

  /** Who the registry knows each of these key credentials as (base64url id → owner). */
  keyCredentialOwners(ids: readonly Buffer[]): Map<string, KeyCredentialOwner> {
    const out = new Map<string, KeyCredentialOwner>();
    if (ids.length === 0) return out;
    const rows = this.stmts.keyCredentialOwners.all(
      JSON.stringify(ids.map((id) => id.toString('hex'))),
    ) as (KeyCredentialOwner & { credential_id: Buffer })[];
    for (const { credential_id, ...owner } of rows)
      out.set(Buffer.from(credential_id).toString('base64url'), owner);
    return out;
  }

  insertKeyCredential(methodId: number, k: KeyCredentialValues): void {
    this.stmts.insertKey.run(
      methodId,
      k.credentialId,
      k.publicKey,
      k.aaguid,
      k.modelName,
      k.signCount,
      JSON.stringify(k.transports),
      k.attestationFormat,
      k.rpId,
      k.userHandle,
      k.registrationJson ?? null,
    );
  }

  insertAnswer(methodId: number, questionId: string, answerHash: string): void {
    this.stmts.insertAnswer.run(methodId, questionId, answerHash);
  }

  answers(methodId: number): Map<string, string> {
    const rows = this.stmts.answers.all(methodId) as { question_id: string; answer_hash: string }[];
    return new Map(rows.map((r) => [r.question_id, String(r.answer_hash)]));
  }

  /** Per person and kind: how many, and whether one of them is the default (for reports). */
  kindCounts(): IterableIterator<{
    person_id: number;
    kind: MethodKindValue;
    n: number;
    d: number;
  }> {
    return this.stmts.kindCounts.iterate() as IterableIterator<{
      person_id: number;
      kind: MethodKindValue;
      n: number;
      d: number;
    }>;
  }
}

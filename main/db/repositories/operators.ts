import type { Db } from '../connection';

/** An `operators` row, with how many security keys the operator has. */
export interface OperatorRow {
  id: number;
  username: string;
  display_name: string;
  role: 'operator' | 'admin';
  password_hash: string | null;
  disabled: number;
  created_at: string;
  keys?: number;
}

/** An `operator_credentials` row: one of an operator's own security keys. */
export interface OperatorCredentialRow {
  credential_id: Buffer;
  operator_id: number;
  public_key: Buffer;
  aaguid: string;
  sign_count: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface OperatorValues {
  username: string;
  displayName: string;
  role: 'operator' | 'admin';
  /** scrypt hash, or null for a key-only operator. */
  passwordHash: string | null;
  createdAt: string;
}

export interface OperatorCredentialValues {
  credentialId: Buffer;
  operatorId: number;
  publicKey: Buffer;
  aaguid: string;
  signCount: number;
  name: string;
  createdAt: string;
}

const SELECT_OPERATOR = `SELECT o.*, (SELECT count(*) FROM operator_credentials c WHERE c.operator_id = o.id) AS keys
  FROM operators o`;

/** All SQL on `operators` and `operator_credentials` (local operator accounts, DESIGN.md §3.7). */
export class OperatorRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare(`${SELECT_OPERATOR} ORDER BY o.username`),
      byId: db.prepare(`${SELECT_OPERATOR} WHERE o.id = ?`),
      byUsername: db.prepare(`${SELECT_OPERATOR} WHERE o.username = ?`),
      insert: db.prepare(
        'INSERT INTO operators (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      setPassword: db.prepare('UPDATE operators SET password_hash = ? WHERE id = ?'),
      setDisabled: db.prepare('UPDATE operators SET disabled = ? WHERE id = ?'),
      credentialIds: db.prepare(
        'SELECT credential_id FROM operator_credentials WHERE operator_id = ?',
      ),
      credential: db.prepare('SELECT * FROM operator_credentials WHERE credential_id = ?'),
      insertCredential: db.prepare(
        `INSERT INTO operator_credentials (credential_id, operator_id, public_key, aaguid, sign_count, name, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      markCredentialUsed: db.prepare(
        'UPDATE operator_credentials SET sign_count = ?, last_used_at = ? WHERE credential_id = ?',
      ),
    };
  }

  list(): OperatorRow[] {
    return this.stmts.all.all() as OperatorRow[];
  }

  find(id: number): OperatorRow | undefined {
    return this.stmts.byId.get(id) as OperatorRow | undefined;
  }

  findByUsername(username: string): OperatorRow | undefined {
    return this.stmts.byUsername.get(username) as OperatorRow | undefined;
  }

  /** The new operator's id. */
  insert(v: OperatorValues): number {
    const info = this.stmts.insert.run(
      v.username,
      v.displayName,
      v.role,
      v.passwordHash,
      v.createdAt,
    );
    return Number(info.lastInsertRowid);
  }

  /** False when there is no such operator. */
  setPasswordHash(id: number, hash: string | null): boolean {
    return this.stmts.setPassword.run(hash, id).changes === 1;
  }

  setDisabled(id: number, disabled: boolean): boolean {
    return this.stmts.setDisabled.run(disabled ? 1 : 0, id).changes === 1;
  }

  credentialIds(operatorId: number): Buffer[] {
    return (this.stmts.credentialIds.all(operatorId) as { credential_id: Buffer }[]).map(
      (r) => r.credential_id,
    );
  }

  credential(credentialId: Buffer): OperatorCredentialRow | undefined {
    return this.stmts.credential.get(credentialId) as OperatorCredentialRow | undefined;
  }

  insertCredential(v: OperatorCredentialValues): void {
    this.stmts.insertCredential.run(
      v.credentialId,
      v.operatorId,
      v.publicKey,
      v.aaguid,
      v.signCount,
      v.name,
      v.createdAt,
    );
  }

  markCredentialUsed(credentialId: Buffer, signCount: number, at: string): void {
    this.stmts.markCredentialUsed.run(signCount, at, credentialId);
  }
}

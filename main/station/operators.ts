import { randomBytes } from 'node:crypto';
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import type { StationContext } from './context';
import { StationError } from './errors';
import { checkAttestationFormat, checkKeyModel } from './methods/securityKeyRules';
import type { PassStatus, TemporaryAccessPasses } from './passes';
import type { PeopleService } from './people';
import { slowHash, slowHashMatches } from './secrets';
import type { Person } from './types';

export const OPERATOR_PASSWORD_MIN = 12;

export interface OperatorAccount {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: 'operator' | 'admin';
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  readonly securityKeys: number;
  readonly createdAt: string;
}

interface OperatorRow {
  id: number;
  username: string;
  display_name: string;
  role: 'operator' | 'admin';
  password_hash: string | null;
  disabled: number;
  created_at: string;
  keys?: number;
}

const NewOperator = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z0-9._@-]{3,64}$/i),
  displayName: z.string().trim().min(1).max(128),
  role: z.enum(['operator', 'admin']).default('operator'),
  password: z.string().optional(),
});

function toAccount(r: OperatorRow): OperatorAccount {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    disabled: r.disabled === 1,
    hasPassword: r.password_hash !== null,
    securityKeys: r.keys ?? 0,
    createdAt: r.created_at,
  };
}

function checkPassword(password: string): void {
  if (
    typeof password !== 'string' ||
    [...password].length < OPERATOR_PASSWORD_MIN ||
    password.length > 256
  ) {
    throw new StationError('operator.passwordTooWeak', { min: OPERATOR_PASSWORD_MIN });
  }
}

const SELECT_OPERATOR = `SELECT o.*, (SELECT count(*) FROM operator_credentials c WHERE c.operator_id = o.id) AS keys
  FROM operators o`;

let decoyHash: string | undefined;
const CHALLENGE_TTL_MS = 5 * 60_000;

/** Local operator accounts: scrypt password and/or their own security keys (SPEC §3.7). */
export class OperatorService {
  /** Outstanding WebAuthn challenges (registration and sign-in), single use. */
  readonly challenges = new Map<
    string,
    { challenge: string; operatorId: number | null; expires: number }
  >();

  constructor(private readonly ctx: StationContext) {}

  list(): OperatorAccount[] {
    this.ctx.session.assertStaff();
    return (
      this.ctx.db.prepare(`${SELECT_OPERATOR} ORDER BY o.username`).all() as OperatorRow[]
    ).map(toAccount);
  }

  find(id: number): OperatorAccount | undefined {
    const row = this.ctx.db.prepare(`${SELECT_OPERATOR} WHERE o.id = ?`).get(id) as
      OperatorRow | undefined;
    return row && toAccount(row);
  }

  create(input: z.input<typeof NewOperator>): OperatorAccount {
    this.ctx.session.assertAdmin();
    const parsed = NewOperator.safeParse(input);
    if (!parsed.success)
      throw new StationError('input.invalid', {
        field: parsed.error.issues[0]?.path.join('.') ?? '',
      });
    const o = parsed.data;
    if (o.password !== undefined) checkPassword(o.password);
    const hash = o.password === undefined ? null : slowHash(o.password);
    const id = this.ctx.db.transaction(() => {
      if (this.ctx.db.prepare('SELECT 1 FROM operators WHERE username = ?').get(o.username)) {
        throw new StationError('operator.usernameTaken');
      }
      const info = this.ctx.db
        .prepare(
          'INSERT INTO operators (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(o.username, o.displayName, o.role, hash, this.ctx.clock().toISOString());
      this.ctx.audit.append('operator.created', null, {
        operatorId: Number(info.lastInsertRowid),
        username: o.username,
        role: o.role,
      });
      return Number(info.lastInsertRowid);
    })();
    return this.find(id) as OperatorAccount;
  }

  setPassword(id: number, password: string): void {
    const actor = this.ctx.session.actor;
    if (!(actor.kind === 'operator' && actor.id === String(id))) this.ctx.session.assertAdmin();
    checkPassword(password);
    const hash = slowHash(password);
    this.ctx.db.transaction(() => {
      if (
        this.ctx.db.prepare('UPDATE operators SET password_hash = ? WHERE id = ?').run(hash, id)
          .changes !== 1
      ) {
        throw new StationError('input.invalid', { field: 'id' });
      }
      this.ctx.audit.append('operator.updated', null, { operatorId: id, change: 'password' });
    })();
  }

  setDisabled(id: number, disabled: boolean): void {
    this.ctx.session.assertAdmin();
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare('UPDATE operators SET disabled = ? WHERE id = ?')
        .run(disabled ? 1 : 0, id);
      this.ctx.audit.append('operator.updated', null, {
        operatorId: id,
        change: disabled ? 'disabled' : 'enabled',
      });
    })();
  }

  private newChallenge(operatorId: number | null): { id: string; challenge: string } {
    const now = this.ctx.clock().getTime();
    for (const [k, v] of this.challenges) if (v.expires < now) this.challenges.delete(k);
    const id = randomBytes(16).toString('base64url');
    const challenge = randomBytes(32).toString('base64url');
    this.challenges.set(id, { challenge, operatorId, expires: now + CHALLENGE_TTL_MS });
    return { id, challenge };
  }

  private takeChallenge(id: string): { challenge: string; operatorId: number | null } {
    const c = this.challenges.get(id);
    this.challenges.delete(id);
    if (!c || c.expires < this.ctx.clock().getTime()) throw new StationError('enrollment.notFound');
    return c;
  }

  /** WebAuthn creation options for an operator's own key; the host runs them on the key. */
  beginKeyRegistration(operatorId: number): {
    challengeId: string;
    options: PublicKeyCredentialCreationOptionsJSON;
    origin: string;
  } {
    const actor = this.ctx.session.actor;
    if (!(actor.kind === 'operator' && actor.id === String(operatorId)))
      this.ctx.session.assertAdmin();
    const op = this.find(operatorId);
    if (!op) throw new StationError('input.invalid', { field: 'operatorId' });
    const p = this.ctx.policy().securityKey;
    const { id, challenge } = this.newChallenge(operatorId);
    const existing = this.ctx.db
      .prepare('SELECT credential_id FROM operator_credentials WHERE operator_id = ?')
      .all(operatorId) as {
      credential_id: Buffer;
    }[];
    return {
      challengeId: id,
      origin: `https://${p.rpId}`,
      options: {
        challenge,
        rp: { id: p.rpId, name: p.rpName },
        user: {
          id: Buffer.from(`operator:${operatorId}`).toString('base64url'),
          name: op.username,
          displayName: op.displayName,
        },
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -8 },
        ],
        excludeCredentials: existing.map((c) => ({
          type: 'public-key',
          id: Buffer.from(c.credential_id).toString('base64url'),
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        // As for a person's key: the attestation names the model the AAGUID rules check.
        attestation: 'direct',
        timeout: 60_000,
      },
    };
  }

  async completeKeyRegistration(
    challengeId: string,
    response: RegistrationResponseJSON,
    name: string,
  ): Promise<OperatorAccount> {
    const c = this.takeChallenge(challengeId);
    if (c.operatorId === null) throw new StationError('enrollment.notFound');
    const p = this.ctx.policy().securityKey;
    let result;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge: c.challenge,
        expectedOrigin: `https://${p.rpId}`,
        expectedRPID: p.rpId,
        requireUserVerification: true,
      });
    } catch {
      throw new StationError('securityKey.attestationInvalid');
    }
    if (!result.verified) throw new StationError('securityKey.attestationInvalid');
    const info = result.registrationInfo;
    // The attested AAGUID counts, under the same rules as a person's key.
    checkKeyModel(p, this.ctx.mode, info.aaguid);
    checkAttestationFormat(p, info.fmt);
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(
          `INSERT INTO operator_credentials (credential_id, operator_id, public_key, aaguid, sign_count, name, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          Buffer.from(info.credential.id, 'base64url'),
          c.operatorId,
          Buffer.from(info.credential.publicKey),
          info.aaguid,
          info.credential.counter,
          String(name ?? '').slice(0, 64),
          this.ctx.clock().toISOString(),
        );
      this.ctx.audit.append('operator.keyRegistered', null, {
        operatorId: c.operatorId,
        aaguid: info.aaguid,
      });
    })();
    return this.find(c.operatorId) as OperatorAccount;
  }

  beginKeySignIn(username?: string): {
    challengeId: string;
    options: PublicKeyCredentialRequestOptionsJSON;
    origin: string;
  } {
    const p = this.ctx.policy().securityKey;
    const op = username
      ? (this.ctx.db.prepare('SELECT id FROM operators WHERE username = ?').get(username.trim()) as
          { id: number } | undefined)
      : undefined;
    const creds = op
      ? (this.ctx.db
          .prepare('SELECT credential_id FROM operator_credentials WHERE operator_id = ?')
          .all(op.id) as {
          credential_id: Buffer;
        }[])
      : [];
    const { id, challenge } = this.newChallenge(op?.id ?? null);
    return {
      challengeId: id,
      origin: `https://${p.rpId}`,
      options: {
        challenge,
        rpId: p.rpId,
        allowCredentials: creds.map((c) => ({
          type: 'public-key',
          id: Buffer.from(c.credential_id).toString('base64url'),
        })),
        userVerification: 'required',
        timeout: 60_000,
      },
    };
  }

  /** Verifies an assertion against the stored operator credentials; returns the operator. */
  async completeKeySignIn(
    challengeId: string,
    response: AuthenticationResponseJSON,
  ): Promise<OperatorAccount> {
    const c = this.takeChallenge(challengeId);
    const p = this.ctx.policy().securityKey;
    const credId =
      typeof response?.id === 'string' ? Buffer.from(response.id, 'base64url') : Buffer.alloc(0);
    const cred = this.ctx.db
      .prepare('SELECT * FROM operator_credentials WHERE credential_id = ?')
      .get(credId) as
      | { credential_id: Buffer; operator_id: number; public_key: Buffer; sign_count: number }
      | undefined;
    const fail = (): never => {
      this.ctx.db.transaction(() =>
        this.ctx.audit.append('operator.signInFailed', null, { method: 'securityKey' }),
      )();
      throw new StationError('operator.invalidCredentials');
    };
    if (!cred || (c.operatorId !== null && cred.operator_id !== c.operatorId)) return fail();
    let ok: boolean;
    let newCounter = cred.sign_count;
    try {
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: c.challenge,
        expectedOrigin: `https://${p.rpId}`,
        expectedRPID: p.rpId,
        credential: {
          id: Buffer.from(cred.credential_id).toString('base64url'),
          publicKey: new Uint8Array(cred.public_key),
          counter: cred.sign_count,
        },
        requireUserVerification: true,
      });
      ok = v.verified;
      newCounter = v.authenticationInfo.newCounter;
    } catch {
      ok = false;
    }
    if (!ok) return fail();
    const op = this.find(cred.operator_id) as OperatorAccount;
    if (op.disabled) throw new StationError('operator.disabled');
    this.ctx.db
      .prepare(
        'UPDATE operator_credentials SET sign_count = ?, last_used_at = ? WHERE credential_id = ?',
      )
      .run(newCounter, this.ctx.clock().toISOString(), cred.credential_id);
    return op;
  }

  /** Password check with constant work for unknown usernames. */
  checkPassword(username: string, password: string): OperatorAccount {
    const row = this.ctx.db
      .prepare(`${SELECT_OPERATOR} WHERE o.username = ?`)
      .get(String(username ?? '').trim()) as OperatorRow | undefined;
    const typed = typeof password === 'string' ? password.slice(0, 256) : '';
    if (!row || row.password_hash === null) {
      decoyHash ??= slowHash('decoy operator password');
      slowHashMatches(typed, decoyHash);
    }
    if (!row || row.password_hash === null || !slowHashMatches(typed, row.password_hash)) {
      this.ctx.db.transaction(() =>
        this.ctx.audit.append('operator.signInFailed', null, {
          method: 'password',
          username: String(username ?? '').slice(0, 64),
        }),
      )();
      throw new StationError('operator.invalidCredentials');
    }
    if (row.disabled === 1) throw new StationError('operator.disabled');
    return toAccount(row);
  }
}

/** Sign-in at the station: operators (password or key), kiosk people (temporary access pass). */
export class AuthService {
  constructor(
    private readonly ctx: StationContext,
    private readonly operators: OperatorService,
    private readonly people: PeopleService,
    private readonly passes: TemporaryAccessPasses,
  ) {}

  signInOperator(username: string, password: string): OperatorAccount {
    const op = this.operators.checkPassword(username, password);
    this.ctx.session.setOperator(op.id, op.username, op.role);
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('operator.signedIn', null, { operatorId: op.id, method: 'password' }),
    )();
    return op;
  }

  beginOperatorKeySignIn(username?: string): ReturnType<OperatorService['beginKeySignIn']> {
    return this.operators.beginKeySignIn(username);
  }

  async completeOperatorKeySignIn(
    challengeId: string,
    response: AuthenticationResponseJSON,
  ): Promise<OperatorAccount> {
    const op = await this.operators.completeKeySignIn(challengeId, response);
    this.ctx.session.setOperator(op.id, op.username, op.role);
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('operator.signedIn', null, {
        operatorId: op.id,
        method: 'securityKey',
      }),
    )();
    return op;
  }

  /** Kiosk sign-in with a temporary access pass. */
  signInWithPass(upn: string, pass: string): Person {
    const person = this.people.findByUpn(String(upn ?? '').slice(0, 256));
    const verified = this.passes.verify(person, pass);
    this.ctx.session.setPerson(verified.id, verified.upn);
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('person.signedIn', verified.id, { method: 'accessPass' }),
    )();
    return verified;
  }

  signOut(): void {
    this.ctx.session.clear();
  }

  passStatus(personId: number): PassStatus | null {
    return this.passes.status(personId);
  }
}

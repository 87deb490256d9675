import { randomBytes } from 'node:crypto';
import {
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { z } from 'zod';
import { OperatorRepository, type OperatorRow } from '../db/repositories/operators';
import type { StationContext } from './context';
import { StationError } from './errors';
import type { KeyModelService } from './keyModels';
import { checkAttestationFormat, checkKeyModel } from './methods/securityKeyRules';
import { slowHash } from './secrets';

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

const NewOperator = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z0-9._@-]{3,64}$/i),
  displayName: z.string().trim().min(1).max(128),
  role: z.enum(['operator', 'admin']).default('operator'),
  password: z.string().optional(),
});

export function toAccount(r: OperatorRow): OperatorAccount {
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

const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * Outstanding WebAuthn challenges of operators' keys (registration and sign-in), single use
 * and short-lived; kept in memory only (a restart ends every ceremony).
 */
export class OperatorChallenges {
  private readonly pending = new Map<
    string,
    { challenge: string; operatorId: number | null; expires: number }
  >();

  constructor(private readonly clock: () => Date) {}

  create(operatorId: number | null): { id: string; challenge: string } {
    const now = this.clock().getTime();
    for (const [k, v] of this.pending) if (v.expires < now) this.pending.delete(k);
    const id = randomBytes(16).toString('base64url');
    const challenge = randomBytes(32).toString('base64url');
    this.pending.set(id, { challenge, operatorId, expires: now + CHALLENGE_TTL_MS });
    return { id, challenge };
  }

  take(id: string): { challenge: string; operatorId: number | null } {
    const c = this.pending.get(id);
    this.pending.delete(id);
    if (!c || c.expires < this.clock().getTime()) throw new StationError('enrollment.notFound');
    return c;
  }
}

/**
 * Local operator accounts (DESIGN.md §3.7): created by an admin, a scrypt password and/or their own
 * security keys. Signing in is OperatorSignIn's (main/station/operatorSignIn.ts).
 */
export class OperatorService {
  readonly repo: OperatorRepository;
  /** Shared with OperatorSignIn: one challenge space for every operator-key ceremony. */
  readonly challenges: OperatorChallenges;

  constructor(
    private readonly ctx: StationContext,
    /** The imported FIDO metadata: a model it flags is refused, as for a person's key. */
    private readonly models: KeyModelService,
  ) {
    this.repo = new OperatorRepository(ctx.db);
    this.challenges = new OperatorChallenges(ctx.clock);
  }

  list(): OperatorAccount[] {
    this.ctx.session.assertStaff();
    return this.repo.list().map(toAccount);
  }

  find(id: number): OperatorAccount | undefined {
    const row = this.repo.find(id);
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
      if (this.repo.findByUsername(o.username)) {
        throw new StationError('operator.usernameTaken');
      }
      const newId = this.repo.insert({
        username: o.username,
        displayName: o.displayName,
        role: o.role,
        passwordHash: hash,
        createdAt: this.ctx.clock().toISOString(),
      });
      this.ctx.audit.append('operator.created', null, {
        operatorId: newId,
        username: o.username,
        role: o.role,
      });
      return newId;
    })();
    return this.find(id) as OperatorAccount;
  }

  setPassword(id: number, password: string): void {
    const actor = this.ctx.session.actor;
    if (!(actor.kind === 'operator' && actor.id === String(id))) this.ctx.session.assertAdmin();
    checkPassword(password);
    const hash = slowHash(password);
    this.ctx.db.transaction(() => {
      if (!this.repo.setPasswordHash(id, hash)) {
        throw new StationError('input.invalid', { field: 'id' });
      }
      this.ctx.audit.append('operator.updated', null, { operatorId: id, change: 'password' });
    })();
  }

  setDisabled(id: number, disabled: boolean): void {
    this.ctx.session.assertAdmin();
    this.ctx.db.transaction(() => {
      this.repo.setDisabled(id, disabled);
      this.ctx.audit.append('operator.updated', null, {
        operatorId: id,
        change: disabled ? 'disabled' : 'enabled',
      });
    })();
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
    const { id, challenge } = this.challenges.create(operatorId);
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
        excludeCredentials: this.repo.credentialIds(operatorId).map((c) => ({
          type: 'public-key',
          id: Buffer.from(c).toString('base64url'),
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
    const c = this.challenges.take(challengeId);
    if (c.operatorId === null) throw new StationError('enrollment.notFound');
    const operatorId = c.operatorId;
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
    checkKeyModel(p, this.ctx.mode, info.aaguid, this.models.importedCatalog());
    checkAttestationFormat(p, info.fmt);
    this.ctx.db.transaction(() => {
      this.repo.insertCredential({
        credentialId: Buffer.from(info.credential.id, 'base64url'),
        operatorId,
        publicKey: Buffer.from(info.credential.publicKey),
        aaguid: info.aaguid,
        signCount: info.credential.counter,
        name: String(name ?? '').slice(0, 64),
        createdAt: this.ctx.clock().toISOString(),
      });
      this.ctx.audit.append('operator.keyRegistered', null, {
        operatorId,
        aaguid: info.aaguid,
      });
    })();
    return this.find(operatorId) as OperatorAccount;
  }
}

/**
 * Signing in at the station (DESIGN.md §3.7–3.8): operators with a password or their own security
 * key, kiosk people with a temporary access pass. Accounts themselves are OperatorService's
 * (main/station/operators.ts); running the key ceremony on a plugged-in key is
 * OperatorKeyCeremonies' (main/station/operatorKeys.ts).
 */
import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { StationContext } from './context';
import { StationError } from './errors';
import { toAccount, type OperatorAccount, type OperatorService } from './operators';
import type { PassStatus, TemporaryAccessPasses } from './passes';
import type { PeopleService } from './people';
import { slowHash, slowHashMatches } from './secrets';
import type { Person } from './types';

let decoyHash: string | undefined;

/** Sign-in at the station: operators (password or key), kiosk people (temporary access pass). */
export class AuthService {
  constructor(
    private readonly ctx: StationContext,
    private readonly operators: OperatorService,
    private readonly people: PeopleService,
    private readonly passes: TemporaryAccessPasses,
  ) {}

  signInOperator(username: string, password: string): OperatorAccount {
    const op = this.checkPassword(username, password);
    this.ctx.session.setOperator(op.id, op.username, op.role);
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('operator.signedIn', null, { operatorId: op.id, method: 'password' }),
    )();
    return op;
  }

  /** WebAuthn request options for an operator's key (all of theirs, or any without a name). */
  beginOperatorKeySignIn(username?: string): {
    challengeId: string;
    options: PublicKeyCredentialRequestOptionsJSON;
    origin: string;
  } {
    const p = this.ctx.policy().securityKey;
    const op = username ? this.operators.repo.findByUsername(username.trim()) : undefined;
    const creds = op ? this.operators.repo.credentialIds(op.id) : [];
    const { id, challenge } = this.operators.challenges.create(op?.id ?? null);
    return {
      challengeId: id,
      origin: `https://${p.rpId}`,
      options: {
        challenge,
        rpId: p.rpId,
        allowCredentials: creds.map((c) => ({
          type: 'public-key',
          id: Buffer.from(c).toString('base64url'),
        })),
        userVerification: 'required',
        timeout: 60_000,
      },
    };
  }

  /** Verifies the assertion against the stored operator credentials; that operator signs in. */
  async completeOperatorKeySignIn(
    challengeId: string,
    response: AuthenticationResponseJSON,
  ): Promise<OperatorAccount> {
    const op = await this.verifyKeySignIn(challengeId, response);
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

  /** Password check with constant work for unknown usernames. */
  private checkPassword(username: string, password: string): OperatorAccount {
    const row = this.operators.repo.findByUsername(String(username ?? '').trim());
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

  private async verifyKeySignIn(
    challengeId: string,
    response: AuthenticationResponseJSON,
  ): Promise<OperatorAccount> {
    const c = this.operators.challenges.take(challengeId);
    const p = this.ctx.policy().securityKey;
    const credId =
      typeof response?.id === 'string' ? Buffer.from(response.id, 'base64url') : Buffer.alloc(0);
    const cred = this.operators.repo.credential(credId);
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
    const op = this.operators.find(cred.operator_id) as OperatorAccount;
    if (op.disabled) throw new StationError('operator.disabled');
    this.operators.repo.markCredentialUsed(
      cred.credential_id,
      newCounter,
      this.ctx.clock().toISOString(),
    );
    return op;
  }
}

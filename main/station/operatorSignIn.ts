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
import { StationStateRepository } from '../db/repositories/stationState';
import { decoySlowHash, slowHashMatchesAsync } from './secrets';
import { LOCKOUT_FAILURES, SignInThrottle } from './signInThrottle';
import type { Person } from './types';

/** station_settings key of an operator's password lockout (its value: when it began). */
const lockoutKey = (operatorId: number): string => `operator.lockout.${operatorId}`;
const normalName = (username: unknown): string =>
  String(username ?? '')
    .trim()
    .slice(0, 256)
    .toLowerCase();

/** Sign-in at the station: operators (password or key), kiosk people (temporary access pass). */
export class AuthService {
  /** Backoff per account and per client (main/station/signInThrottle.ts). */
  private readonly throttle: SignInThrottle;
  private readonly state: StationStateRepository;
  /** Names locked in memory too, so an unknown name locks like a real one (no enumeration). */
  private readonly lockedNames = new Set<string>();
  /** The session id of an operator signed in with their own security key, if that is now. */
  private keySession: string | null = null;

  constructor(
    private readonly ctx: StationContext,
    private readonly operators: OperatorService,
    private readonly people: PeopleService,
    private readonly passes: TemporaryAccessPasses,
  ) {
    this.throttle = new SignInThrottle(ctx.clock);
    this.state = new StationStateRepository(ctx.db);
  }

  /**
   * Password sign-in, from `client` (the browser's address or the desktop window: the backoff
   * is per account and per client). The password is checked off the event loop.
   */
  async signInOperator(
    username: string,
    password: string,
    client = 'local',
  ): Promise<OperatorAccount> {
    const op = await this.checkPassword(username, password, client);
    this.passwordSignedIn(op);
    return op;
  }

  /**
   * First run: the admin created a moment ago from the password just typed is signed in with
   * it, without hashing that password a second time (the audit says "password" as at sign-in).
   */
  signInFirstAdmin(op: OperatorAccount): void {
    this.passwordSignedIn(op);
  }

  private passwordSignedIn(op: OperatorAccount): void {
    this.signedIn(
      () => this.ctx.session.setOperator(op.id, op.username, op.role),
      () =>
        this.ctx.audit.append('operator.signedIn', null, { operatorId: op.id, method: 'password' }),
    );
    this.keySession = null;
  }

  /**
   * An operator confirms something at a kiosk in person (the kiosk person's phone or email)
   * without taking over its session: the password is checked exactly as at sign-in (backoff,
   * lockout, audit of a wrong one), and the person stays signed in.
   */
  async confirmOperatorPassword(
    username: string,
    password: string,
    client = 'local',
  ): Promise<OperatorAccount> {
    return this.checkPassword(username, password, client);
  }

  /** The same with the operator's own key: the assertion is verified, the session stays. */
  async confirmOperatorKey(
    challengeId: string,
    response: AuthenticationResponseJSON,
  ): Promise<OperatorAccount> {
    return this.verifyKeySignIn(challengeId, response);
  }

  /** Whether this operator's password is locked after too many wrong ones. */
  isLockedOut(operatorId: number): boolean {
    return this.state.setting(lockoutKey(operatorId)) !== undefined;
  }

  /**
   * Lifts an operator's password lockout: only an operator signed in with their own security
   * key may (a password alone is what was being guessed).
   */
  liftLockout(username: string): OperatorAccount {
    const actor = this.ctx.session.assertOperator();
    if (this.keySession !== this.ctx.session.id) throw new StationError('operator.keyRequired');
    const row = this.operators.repo.findByUsername(String(username ?? '').trim());
    if (!row) throw new StationError('operator.notFound');
    this.ctx.db.transaction(() => this.lift(row.id, actor.id))();
    return toAccount(row);
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
    this.signedIn(
      () => this.ctx.session.setOperator(op.id, op.username, op.role),
      () => {
        this.ctx.audit.append('operator.signedIn', null, {
          operatorId: op.id,
          method: 'securityKey',
        });
        // Their own key proves who they are: their password lockout ends.
        this.lift(op.id, String(op.id));
      },
    );
    this.keySession = this.ctx.session.id;
    return op;
  }

  /** Kiosk sign-in with a temporary access pass (checked off the event loop). */
  async signInWithPass(upn: string, pass: string): Promise<Person> {
    const person = this.people.findByUpn(String(upn ?? '').slice(0, 256));
    const verified = await this.passes.verify(person, pass);
    this.signedIn(
      () => this.ctx.session.setPerson(verified.id, verified.upn),
      () => this.ctx.audit.append('person.signedIn', verified.id, { method: 'accessPass' }),
    );
    return verified;
  }

  /**
   * Starts the session and records it in one step: when the record can't be written (a broken
   * audit log refuses every append) nobody is signed in.
   */
  private signedIn(start: () => void, record: () => void): void {
    start();
    try {
      this.ctx.db.transaction(record)();
    } catch (e) {
      this.ctx.session.clear();
      throw e;
    }
  }

  signOut(): void {
    this.ctx.session.clear();
    this.keySession = null;
  }

  passStatus(personId: number): PassStatus | null {
    return this.passes.status(personId);
  }

  /**
   * Password check with constant work for unknown usernames, behind the backoff and the
   * lockout: a refused attempt is not checked at all, so it tells nothing about the password.
   */
  private async checkPassword(
    username: string,
    password: string,
    client: string,
  ): Promise<OperatorAccount> {
    const name = normalName(username);
    const row = this.operators.repo.findByUsername(String(username ?? '').trim());
    if (this.lockedNames.has(name) || (row && this.isLockedOut(row.id))) {
      throw new StationError('operator.locked');
    }
    const keys = [`account:${name}`, `client:${client}`];
    const wait = this.throttle.begin(keys);
    if (wait > 0) throw new StationError('operator.tooManyAttempts', { seconds: wait });
    const typed = typeof password === 'string' ? password.slice(0, 256) : '';
    let matches = false;
    try {
      if (!row || row.password_hash === null) {
        await slowHashMatchesAsync(typed, await decoySlowHash('operator password'));
      } else {
        matches = await slowHashMatchesAsync(typed, row.password_hash);
      }
    } catch (e) {
      this.throttle.failed(keys);
      throw e;
    }
    if (!matches) {
      this.throttle.failed(keys);
      const accountFailures = this.throttle.failures(keys[0]);
      const lock = accountFailures >= LOCKOUT_FAILURES;
      this.ctx.db.transaction(() => {
        this.ctx.audit.append('operator.signInFailed', null, {
          method: 'password',
          username: String(username ?? '').slice(0, 64),
        });
        if (lock && row) {
          this.state.putSetting(lockoutKey(row.id), this.ctx.clock().toISOString());
          this.ctx.audit.append('operator.lockedOut', null, {
            operatorId: row.id,
            failures: accountFailures,
          });
        }
      })();
      if (lock) {
        this.lockedNames.add(name);
        throw new StationError('operator.locked');
      }
      throw new StationError('operator.invalidCredentials');
    }
    this.throttle.succeeded(keys);
    if (row!.disabled === 1) throw new StationError('operator.disabled');
    return toAccount(row!);
  }

  /** Ends a lockout (inside the caller's transaction); nothing happens when there is none. */
  private lift(operatorId: number, by: string): void {
    const row = this.operators.repo.find(operatorId);
    if (row) {
      this.lockedNames.delete(normalName(row.username));
      this.throttle.succeeded([`account:${normalName(row.username)}`]);
    }
    if (!this.isLockedOut(operatorId)) return;
    this.state.deleteSetting(lockoutKey(operatorId));
    this.ctx.audit.append('operator.lockoutLifted', null, { operatorId, by });
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

/**
 * "Kan inte komma åt ditt konto?" at the station (docs/DESIGN.md §2.1, §3.9): a person types
 * their user ID and meets one of the three refusals, or verifies with as many of their own
 * methods as the reset needs and sets a new password through the identity provider. The same
 * verification signs a returning person in to their own security info instead of a pass.
 *
 * Rules kept here, once:
 * - An unknown user ID gets exactly the answer of a known person who has not registered ("Vi
 *   kunde inte verifiera ditt konto"), after the same work, so the answer tells nothing.
 * - Counted per user ID (a keyed hash of the typed ID, unknown IDs too) and per station: user
 *   IDs tried (`reset.rateLimited`) and failed verifications (`reset.locked`). Codes sent keep
 *   the code limits (VerificationCodes), app and token codes their replay guard (TotpReplayGuard).
 * - Every step is in the audit log; never a password, code, answer or PIN.
 * - The password goes to the provider at once and nowhere else (not the outbox, not the log).
 */
import { randomBytes } from 'node:crypto';
import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server';
import { getCredential, type DeviceTarget, type KeepaliveState } from '../../native/index';
import { passwordMeetsRules } from '../../domain/password';
import { PasswordResetRepository, type AdminRequestRow } from '../db/repositories/passwordReset';
import type { StationContext } from './context';
import { StationError, isStationError } from './errors';
import type { IdpService } from './idp/service';
import { codeMessage, type MessageChannel, type MessageGateway } from './messaging';
import type { MethodRegistry } from './methods/registry';
import {
  PROVIDER_ORIGIN,
  keyErrorToStation,
  type KeyInteraction,
  type SecurityKeyClient,
} from './methods/securityKey';
import { isVirtualKeyAaguid } from './methods/securityKeyRules';
import type { SecurityQuestionsEnrollment } from './methods/securityQuestions';
import { TotpReplayGuard } from './methods/totpReplay';
import type { TotpAlgorithm } from './methods/totp';
import { VerificationCodes } from './methods/verificationCodes';
import type { PeopleService } from './people';
import type { StationSettings } from './settings';
import { isMfaKind, type MethodKind, type Person, type PersonId } from './types';

/** A reset or sign-in left alone this long is forgotten. */
export const RESET_TTL_MS = 15 * 60_000;

export interface ResetLimit {
  readonly scope: 'user' | 'station';
  readonly kind: 'lookup' | 'failure';
  readonly windowMs: number;
  readonly max: number;
}

/**
 * How often user IDs may be tried and verifications fail (docs/SECURITY-REVIEW.md): without a
 * limit a kiosk is an oracle for who has an account and a guessing machine for codes.
 */
export const RESET_LIMITS: readonly ResetLimit[] = [
  { scope: 'user', kind: 'lookup', windowMs: 15 * 60_000, max: 10 },
  { scope: 'station', kind: 'lookup', windowMs: 15 * 60_000, max: 60 },
  { scope: 'user', kind: 'failure', windowMs: 30 * 60_000, max: 5 },
  { scope: 'station', kind: 'failure', windowMs: 30 * 60_000, max: 20 },
];

export type ResetPurpose = 'reset' | 'signIn';
export type ResetOutcome =
  'verify' | 'passwordNotManaged' | 'notEnabled' | 'notRegistered' | 'offline';

/** One of the person's methods a reset may verify with (details masked). */
export interface ResetMethodOption {
  readonly methodId: number;
  readonly kind: MethodKind;
  readonly detail: string;
  readonly verified: boolean;
}

export interface ResetView {
  readonly resetId: string;
  readonly purpose: ResetPurpose;
  readonly outcome: ResetOutcome;
  /** How many methods must be verified (reset: 1 or 2, administrators 2; sign-in: policy). */
  readonly required: number;
  readonly verifiedCount: number;
  /** Enough verified: the new password may be set (reset) or the person is signed in. */
  readonly complete: boolean;
  readonly methods: ResetMethodOption[];
  /** Security questions to answer (ids in the bank), when the person has them. */
  readonly questionIds: string[];
  /** The same questions with their text in both languages, as the page asks them. */
  readonly questions: { readonly id: string; readonly text: { sv: string; en: string } }[];
  readonly expiresAt: string;
}

export interface AdminRequest {
  readonly id: number;
  readonly upn: string;
  readonly personId: number | null;
  readonly stationId: string;
  readonly stationName: string;
  readonly reason: string;
  readonly createdAt: string;
  readonly emailed: boolean;
  readonly handledAt: string | null;
}

interface ResetState {
  readonly id: string;
  readonly purpose: ResetPurpose;
  readonly upn: string;
  readonly subject: Buffer;
  readonly person: Person | null;
  /** The person behind the typed ID whatever the outcome (the operators' request only). */
  readonly knownPersonId: number | null;
  readonly outcome: ResetOutcome;
  readonly required: number;
  readonly questionIds: string[];
  readonly verified: Map<number, MethodKind>;
  readonly codes: Map<number, string>;
  lastFailure: string;
  expiresAt: number;
}

export interface PasswordResetDeps {
  readonly people: PeopleService;
  readonly methods: MethodRegistry;
  readonly idp: IdpService;
  readonly questions: SecurityQuestionsEnrollment;
  readonly settings: StationSettings;
  readonly gateway: () => MessageGateway;
  /** Whether a message gateway (not only the registry outbox) is configured. */
  readonly gatewayConfigured: () => boolean;
  readonly securityKeys: SecurityKeyClient;
}

const CHANNEL: Partial<Record<MethodKind, MessageChannel>> = {
  phoneSms: 'sms',
  phoneCall: 'call',
  email: 'email',
};

function keepalive(i: KeyInteraction | undefined): (s: KeepaliveState) => void {
  return (s) => i?.onEvent(s === 'up-needed' ? { type: 'touch' } : { type: 'processing' });
}

export class PasswordReset {
  readonly repo: PasswordResetRepository;
  private readonly resets = new Map<string, ResetState>();
  /** The security-question check in progress (or done), so the next one waits for it. */
  private questionCheck: Promise<void> = Promise.resolve();
  private readonly codes: VerificationCodes;
  private readonly replay: TotpReplayGuard;

  constructor(
    private readonly ctx: StationContext,
    private readonly deps: PasswordResetDeps,
  ) {
    this.repo = new PasswordResetRepository(ctx.db);
    this.codes = new VerificationCodes(ctx);
    this.replay = new TotpReplayGuard(ctx);
  }

  // ── start ──────────────────────────────────────────────────────────────────────────────

  /**
   * The person typed their user ID. Known or not, the same steps run (lookup, readiness, the
   * counters, one audit row) and an unknown ID answers as `notRegistered`.
   */
  start(upnTyped: string, purpose: ResetPurpose = 'reset'): ResetView {
    const upn = String(upnTyped ?? '')
      .trim()
      .slice(0, 256);
    const subject = this.subjectOf(upn);
    this.assertNotLimited(subject, 'lookup');
    this.assertNotLimited(subject, 'failure');
    const found = this.deps.people.findByUpn(upn);
    const person = found && found.status === 'active' ? found : null;
    const policy = this.ctx.policy();
    // The same query runs for an unknown ID (no rows), so both answers cost the same.
    const rows = this.deps.methods.repo.forPerson(person?.id ?? -1);
    const usable = rows.filter(
      (m) => policy.allowedMethods.includes(m.kind) && (purpose === 'reset' || isMfaKind(m.kind)),
    );
    let outcome: ResetOutcome;
    let required: number;
    if (purpose === 'reset') {
      const admin = person ? this.repo.isAdmin(person.id) : false;
      required = admin ? 2 : policy.sspr.requiredMethods;
      const readiness = person ? this.deps.methods.ssprReadiness(person.id) : null;
      const kinds = new Set(usable.map((m) => m.kind)).size;
      if (!person || !readiness) outcome = 'notRegistered';
      else if (readiness.reason === 'sspr.passwordNotManaged') outcome = 'passwordNotManaged';
      else if (readiness.reason === 'sspr.notEnabled') outcome = 'notEnabled';
      else if (kinds < required) outcome = 'notRegistered';
      else if (!this.deps.idp.linkedProviderId(person.id)) outcome = 'offline';
      else outcome = 'verify';
    } else {
      const hasKey = usable.some((m) => m.kind === 'securityKey');
      required = policy.signIn.returning === 'securityKey' && hasKey ? 1 : 2;
      outcome = person && usable.length >= required ? 'verify' : 'notRegistered';
    }
    const now = this.ctx.clock();
    this.ctx.db.transaction(() => {
      this.repo.countAttempt(subject, this.ctx.stationId, 'lookup', now.toISOString());
      this.ctx.audit.append('reset.started', person?.id ?? null, {
        purpose,
        outcome,
        user: upn.slice(0, 64),
      });
    })();
    const id = randomBytes(16).toString('base64url');
    const questionIds =
      outcome === 'verify' && person && usable.some((m) => m.kind === 'securityQuestions')
        ? this.pickQuestions(person.id)
        : [];
    const state: ResetState = {
      id,
      purpose,
      upn,
      subject,
      person: outcome === 'verify' ? person : null,
      knownPersonId: person?.id ?? null,
      outcome,
      required,
      questionIds,
      verified: new Map(),
      codes: new Map(),
      lastFailure: outcome,
      expiresAt: now.getTime() + RESET_TTL_MS,
    };
    this.sweep();
    this.resets.set(id, state);
    return this.view(state);
  }

  /** The reset as it stands (the renderer reloads it after each step). */
  get(resetId: string): ResetView {
    return this.view(this.state(resetId));
  }

  cancel(resetId: string): void {
    this.resets.delete(resetId);
  }

  // ── verification ───────────────────────────────────────────────────────────────────────

  /** SMS, call or email: sends a code to the method's number or address (code limits apply). */
  async sendCode(resetId: string, methodId: number): Promise<{ expiresAt: string }> {
    const s = this.verifying(resetId);
    const m = this.method(s, methodId);
    const channel = CHANNEL[m.kind];
    if (!channel) throw new StationError('reset.methodUnavailable');
    const codeId = `reset:${s.id}:${methodId}:${randomBytes(6).toString('base64url')}`;
    const person = s.person as Person;
    const { code, expiresAt } = this.codes.issue(codeId, person.id, channel, m.detail);
    try {
      await this.deps.gateway().send({
        channel,
        to: m.detail,
        text: codeMessage(channel, this.ctx.policy().organizationName, code),
        personId: person.id,
      });
    } catch {
      this.codes.discard(codeId);
      throw new StationError('gateway.failed');
    }
    s.codes.set(methodId, codeId);
    return { expiresAt };
  }

  /** An app or token code (replay refused), or the code sent by SMS, call or email. */
  verifyCode(resetId: string, methodId: number, typed: string): ResetView {
    const s = this.verifying(resetId);
    const m = this.method(s, methodId);
    const code = typeof typed === 'string' ? typed.slice(0, 64) : '';
    if (m.kind === 'authenticatorApp' || m.kind === 'hardwareToken') {
      const data = JSON.parse(m.data) as { period?: number; digits?: number; algorithm?: string };
      if (!m.secret) throw new StationError('reset.methodUnavailable');
      const secret = this.ctx.keys.open(m.secret, 'totp').toString('ascii');
      let check;
      try {
        check = this.replay.check(
          secret,
          {
            period: (data.period ?? 30) as 30 | 60,
            digits: (data.digits ?? 6) as 6 | 8,
            algorithm: (data.algorithm ?? 'SHA1') as TotpAlgorithm,
          },
          code,
        );
      } catch (e) {
        throw this.failed(s, m.kind, e);
      }
      return this.verified(s, m.id, m.kind, () => check.accept());
    }
    const codeId = s.codes.get(methodId);
    if (!CHANNEL[m.kind] || !codeId) throw new StationError('reset.methodUnavailable');
    let check;
    try {
      check = this.codes.check(codeId, code);
    } catch (e) {
      throw this.failed(s, m.kind, e);
    }
    return this.verified(s, m.id, m.kind, () => check.consume());
  }

  /**
   * Security questions: the questions this reset asked, each answer against its stored hash (off
   * the event loop). One check at a time on the station: a guess waits for the one before it,
   * then meets that one's counted failure, so parallel guesses can't slip past the failure
   * limits (per person or per station).
   */
  verifyQuestions(
    resetId: string,
    answers: readonly { questionId: string; answer: string }[],
  ): Promise<ResetView> {
    const mine = this.questionCheck.then(() => this.checkQuestions(resetId, answers));
    this.questionCheck = mine.then(
      () => undefined,
      () => undefined,
    );
    return mine;
  }

  private async checkQuestions(
    resetId: string,
    answers: readonly { questionId: string; answer: string }[],
  ): Promise<ResetView> {
    const s = this.verifying(resetId);
    const m = this.deps.methods
      .list((s.person as Person).id)
      .find((x) => x.kind === 'securityQuestions');
    if (!m || s.questionIds.length === 0) throw new StationError('reset.methodUnavailable');
    const asked = new Set(s.questionIds);
    const given = Array.isArray(answers) ? answers : [];
    const complete =
      given.length === asked.size &&
      new Set(given.map((a) => a?.questionId)).size === asked.size &&
      given.every((a) => asked.has(a?.questionId));
    if (!complete || !(await this.deps.questions.verify((s.person as Person).id, given))) {
      throw this.failed(s, 'securityQuestions', new StationError('reset.notVerified'));
    }
    // The reset may have ended (or been verified another way) while the answers were hashed.
    this.verifying(resetId);
    return this.verified(s, m.id, 'securityQuestions', () => undefined);
  }

  /**
   * A security key: PIN + touch, an assertion against the person's registered credentials,
   * verified with the stored public key. Needs no connection.
   */
  async verifyKey(
    resetId: string,
    device: DeviceTarget,
    pin: string,
    opts: { interaction?: KeyInteraction; signal?: AbortSignal } = {},
  ): Promise<ResetView> {
    const s = this.verifying(resetId);
    const person = s.person as Person;
    const method = this.deps.methods.list(person.id).find((m) => m.kind === 'securityKey');
    const creds = this.repo.credentials(person.id);
    if (!method || creds.length === 0) throw new StationError('reset.methodUnavailable');
    // The organization's own relying party first, then keys made against the provider's options.
    const policyRp = this.ctx.policy().securityKey.rpId;
    const rpId = creds.some((c) => c.rp_id === policyRp) ? policyRp : creds[0].rp_id;
    const mine = creds.filter((c) => c.rp_id === rpId);
    const origin = rpId === new URL(PROVIDER_ORIGIN).host ? PROVIDER_ORIGIN : `https://${rpId}`;
    const challenge = randomBytes(32).toString('base64url');
    let response: AuthenticationResponseJSON;
    const ctap = await this.deps.securityKeys
      .open(device, { signal: opts.signal })
      .catch((e: unknown) => {
        throw keyErrorToStation(e);
      });
    try {
      if (isVirtualKeyAaguid(ctap.info.aaguid) && this.ctx.mode === 'production') {
        throw new StationError('securityKey.virtualKeyRefused');
      }
      response = await getCredential(
        ctap,
        {
          challenge,
          rpId,
          allowCredentials: mine.map((c) => ({
            type: 'public-key',
            id: Buffer.from(c.credential_id).toString('base64url'),
          })),
          userVerification: 'required',
          timeout: 60_000,
        },
        {
          origin,
          pin: typeof pin === 'string' ? pin.slice(0, 128) : '',
          signal: opts.signal,
          onKeepalive: keepalive(opts.interaction),
        },
      );
    } catch (e) {
      const err = e instanceof StationError ? e : keyErrorToStation(e);
      // A wrong PIN is the key's own count; a key without the person's credential is a failure.
      if (err.code === 'securityKey.deviceError' || err.code === 'securityKey.notFound') {
        throw this.failed(s, 'securityKey', new StationError('reset.notVerified'));
      }
      throw err;
    } finally {
      await ctap.close().catch(() => undefined);
    }
    opts.interaction?.onEvent({ type: 'touched' });
    const cred = mine.find(
      (c) => Buffer.from(c.credential_id).toString('base64url') === response.id,
    );
    let newCounter = cred?.sign_count ?? 0;
    let ok = false;
    if (cred) {
      try {
        const v = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          credential: {
            id: response.id,
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
    }
    if (!cred || !ok) throw this.failed(s, 'securityKey', new StationError('reset.notVerified'));
    return this.verified(s, cred.method_id, 'securityKey', () =>
      this.repo.setSignCount(Buffer.from(cred.credential_id), newCounter),
    );
  }

  // ── the new password / signing in ──────────────────────────────────────────────────────

  /**
   * Sets the new password at the provider once enough methods are verified: the organization's
   * rules first (`reset.passwordRules`), then Graph; the person must change it at next sign-in
   * only when the policy says so.
   */
  async setPassword(resetId: string, password: string): Promise<{ forceChange: boolean }> {
    const s = this.state(resetId);
    if (s.purpose !== 'reset' || !s.person || s.verified.size < s.required)
      throw new StationError('reset.notVerified');
    const person = s.person;
    const pw = typeof password === 'string' ? password : '';
    if (!passwordMeetsRules(pw, person)) throw new StationError('reset.passwordRules');
    const forceChange = this.ctx.policy().sspr.forceChangeAtNextSignIn;
    const result = await this.deps.idp.setPassword(person.id, pw, forceChange);
    if (result === 'ok') {
      this.ctx.db.transaction(() => {
        this.repo.clearFailures(s.subject);
        this.ctx.audit.append('reset.completed', person.id, {
          methods: [...s.verified.values()].join(','),
          forceChange,
        });
      })();
      this.resets.delete(s.id);
      return { forceChange };
    }
    this.ctx.db.transaction(() => this.ctx.audit.append('reset.failed', person.id, { result }))();
    if (result === 'notManaged') {
      // The provider told us: from now on the person meets the seed's message at once.
      this.deps.people.update(person.id, { passwordManagedExternally: true });
      s.lastFailure = 'passwordNotManaged';
      throw new StationError('sspr.passwordNotManaged');
    }
    if (result === 'rejected') throw new StationError('reset.passwordRejected');
    s.lastFailure = 'offline';
    throw new StationError('reset.offline');
  }

  /** A returning person verified enough: they are the station's session now. */
  signIn(resetId: string): Person {
    const s = this.state(resetId);
    if (s.purpose !== 'signIn' || !s.person || !this.signInComplete(s))
      throw new StationError('signIn.notEnough', { required: s.required });
    const person = s.person;
    this.ctx.session.setPerson(person.id, person.upn);
    this.ctx.db.transaction(() => {
      this.repo.clearFailures(s.subject);
      this.ctx.audit.append('person.signedIn', person.id, {
        method: [...s.verified.values()].join(','),
      });
    })();
    this.resets.delete(s.id);
    return person;
  }

  // ── "Kontakta en administratör" ────────────────────────────────────────────────────────

  /**
   * Leaves a request for the operators (who, when, which station, what failed) and mails the
   * help desk when the policy names an address and a gateway is configured. The person learns
   * only that the request was sent.
   */
  async contactAdmin(resetId: string): Promise<{ sent: true }> {
    const s = this.state(resetId);
    const at = this.ctx.clock().toISOString();
    const stationName = this.deps.settings.get('station.name') ?? '';
    const helpdesk = this.ctx.policy().sspr.helpdeskEmail;
    const mail = helpdesk !== '' && this.deps.gatewayConfigured();
    const id = this.ctx.db.transaction(() => {
      const rowId = this.repo.insertRequest({
        upn: s.upn,
        personId: s.knownPersonId,
        stationId: this.ctx.stationId,
        stationName,
        reason: s.lastFailure,
        at,
        emailed: mail,
      });
      this.ctx.audit.append('reset.adminRequested', s.knownPersonId, {
        requestId: rowId,
        reason: s.lastFailure,
        user: s.upn.slice(0, 64),
      });
      return rowId;
    })();
    if (mail) {
      const text =
        `Keystation: ${s.upn} asks for help with their password (${s.lastFailure}) at ` +
        `${stationName || this.ctx.stationId}, ${at}. Request ${id}.`;
      await this.deps
        .gateway()
        .send({ channel: 'email', to: helpdesk, text, personId: s.knownPersonId })
        .catch(() => undefined);
    }
    this.resets.delete(s.id);
    return { sent: true };
  }

  /** The operators' list (staff only), newest first. */
  requests(opts: { openOnly?: boolean; limit?: number } = {}): AdminRequest[] {
    this.ctx.session.assertStaff();
    const limit = Math.max(1, Math.min(500, opts.limit ?? 100));
    return this.repo.requests(opts.openOnly ?? true, limit).map(toRequest);
  }

  handleRequest(id: number): AdminRequest[] {
    this.ctx.session.assertStaff();
    this.ctx.db.transaction(() => {
      if (this.repo.handleRequest(id, this.ctx.clock().toISOString()))
        this.ctx.audit.append('reset.requestHandled', null, { requestId: id });
    })();
    return this.requests();
  }

  /** Administrators at the provider always need two methods to reset (staff only). */
  setAdministrator(personId: PersonId, isAdmin: boolean): void {
    this.ctx.session.assertStaff();
    this.deps.people.get(personId);
    this.ctx.db.transaction(() => {
      this.repo.setAdmin(personId, isAdmin);
      this.ctx.audit.append('person.updated', personId, { administrator: isAdmin });
    })();
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────

  private subjectOf(upn: string): Buffer {
    return this.ctx.keys.codeMac('reset-user', upn.toLowerCase());
  }

  /** `reset.rateLimited` / `reset.locked` while any window of `kind` is full. */
  private assertNotLimited(subject: Buffer, kind: 'lookup' | 'failure'): void {
    const now = this.ctx.clock().getTime();
    let waitMs = 0;
    for (const l of RESET_LIMITS) {
      if (l.kind !== kind) continue;
      const since = new Date(now - l.windowMs).toISOString();
      const times =
        l.scope === 'user'
          ? this.repo.subjectAttempts(subject, kind, since)
          : this.repo.stationAttempts(this.ctx.stationId, kind, since);
      if (times.length < l.max) continue;
      waitMs = Math.max(waitMs, Date.parse(times[times.length - l.max]) + l.windowMs - now);
    }
    if (waitMs > 0) {
      const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
      throw new StationError(kind === 'lookup' ? 'reset.rateLimited' : 'reset.locked', {
        minutes,
      });
    }
  }

  private state(resetId: string): ResetState {
    const s = typeof resetId === 'string' ? this.resets.get(resetId) : undefined;
    if (!s) throw new StationError('reset.notFound');
    if (this.ctx.clock().getTime() > s.expiresAt) {
      this.resets.delete(resetId);
      throw new StationError('reset.notFound');
    }
    return s;
  }

  /** A reset that may verify now: the person's, not locked, not yet complete. */
  private verifying(resetId: string): ResetState {
    const s = this.state(resetId);
    if (s.outcome !== 'verify' || !s.person) throw new StationError('reset.methodUnavailable');
    this.assertNotLimited(s.subject, 'failure');
    return s;
  }

  private method(s: ResetState, methodId: number) {
    const row = this.deps.methods.repo
      .forPerson((s.person as Person).id)
      .find((r) => r.id === methodId);
    if (!row || !this.usable(s, row.kind)) throw new StationError('reset.methodUnavailable');
    // Two methods means two different kinds, as the provider's reset asks.
    if ([...s.verified.values()].includes(row.kind))
      throw new StationError('reset.methodUnavailable');
    return row;
  }

  private usable(s: ResetState, kind: MethodKind): boolean {
    return (
      this.ctx.policy().allowedMethods.includes(kind) && (s.purpose === 'reset' || isMfaKind(kind))
    );
  }

  /** Counts a failed verification (committed now), audits it, and says what the person sees. */
  private failed(s: ResetState, kind: MethodKind, cause: unknown): StationError {
    const at = this.ctx.clock().toISOString();
    const counted =
      !isStationError(cause, 'code.rateLimited') && !isStationError(cause, 'code.expired');
    this.ctx.db.transaction(() => {
      if (counted) this.repo.countAttempt(s.subject, this.ctx.stationId, 'failure', at);
      this.ctx.audit.append('reset.verifyFailed', s.person?.id ?? null, {
        purpose: s.purpose,
        kind,
      });
    })();
    s.lastFailure = `verify:${kind}`;
    try {
      this.assertNotLimited(s.subject, 'failure');
    } catch (locked) {
      this.ctx.db.transaction(() =>
        this.ctx.audit.append('reset.locked', s.person?.id ?? null, { purpose: s.purpose }),
      )();
      s.lastFailure = 'locked';
      return locked as StationError;
    }
    return cause instanceof StationError ? cause : new StationError('reset.notVerified');
  }

  private verified(s: ResetState, methodId: number, kind: MethodKind, commit: () => void) {
    this.ctx.db.transaction(() => {
      commit();
      this.deps.methods.repo.markUsed(methodId, this.ctx.clock().toISOString());
      this.ctx.audit.append('reset.verified', (s.person as Person).id, {
        purpose: s.purpose,
        kind,
      });
    })();
    s.verified.set(methodId, kind);
    return this.view(s);
  }

  private signInComplete(s: ResetState): boolean {
    const kinds = [...s.verified.values()];
    if (this.ctx.policy().signIn.returning === 'securityKey' && kinds.includes('securityKey'))
      return true;
    return s.verified.size >= 2;
  }

  private pickQuestions(personId: PersonId): string[] {
    const m = this.deps.methods.list(personId).find((x) => x.kind === 'securityQuestions');
    if (!m) return [];
    const ids = [...this.deps.methods.repo.answers(m.id).keys()];
    const n = Math.min(ids.length, this.ctx.policy().questions.requiredCount);
    // A random choice of the person's questions, as the reset portal asks.
    for (let i = ids.length - 1; i > 0; i--) {
      const j = randomBytes(1)[0] % (i + 1);
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    return ids.slice(0, n);
  }

  private view(s: ResetState): ResetView {
    const person = s.outcome === 'verify' ? s.person : null;
    const methods = person
      ? this.deps.methods
          .list(person.id)
          .filter((m) => this.usable(s, m.kind))
          .map((m) => ({
            methodId: m.id,
            kind: m.kind,
            detail: m.kind === 'securityKey' ? m.label : m.detail,
            verified: s.verified.has(m.id),
          }))
      : [];
    const complete = s.purpose === 'reset' ? s.verified.size >= s.required : this.signInComplete(s);
    return {
      resetId: s.id,
      purpose: s.purpose,
      outcome: s.outcome,
      required: s.required,
      verifiedCount: s.verified.size,
      complete: s.outcome === 'verify' && complete,
      methods,
      questionIds: s.questionIds,
      questions: this.questionTexts(s.questionIds),
      expiresAt: new Date(s.expiresAt).toISOString(),
    };
  }

  private questionTexts(ids: readonly string[]): ResetView['questions'] {
    if (ids.length === 0) return [];
    const bank = new Map(this.deps.questions.bank().questions.map((q) => [q.id, q.text]));
    return ids.map((id) => {
      const text = bank.get(id);
      return { id, text: text ? { sv: text.sv, en: text.en } : { sv: id, en: id } };
    });
  }

  private sweep(): void {
    const now = this.ctx.clock().getTime();
    for (const [id, s] of this.resets) if (now > s.expiresAt) this.resets.delete(id);
  }
}

function toRequest(r: AdminRequestRow): AdminRequest {
  return {
    id: r.id,
    upn: r.upn,
    personId: r.person_id,
    stationId: r.station_id,
    stationName: r.station_name,
    reason: r.reason,
    createdAt: r.created_at,
    emailed: r.emailed === 1,
    handledAt: r.handled_at,
  };
}

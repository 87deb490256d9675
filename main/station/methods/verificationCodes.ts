import { randomInt } from 'node:crypto';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { MessageChannel } from '../messaging';
import { equalBytes } from '../secrets';
import type { PersonId } from '../types';
import { CodeRequestRepository } from '../../db/repositories/codeRequests';
import { VerificationCodeRepository } from '../../db/repositories/verificationCodes';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_DIGITS = 6;

export interface CodeLimit {
  readonly scope: 'person' | 'destination' | 'station';
  readonly windowMs: number;
  readonly max: number;
}

/**
 * How many codes may be sent (docs/SECURITY-REVIEW.md): without a limit a kiosk person could
 * ask for a new code every few milliseconds, guess five times per code and so verify a number
 * they don't own, or flood someone's phone or mailbox.
 */
export const CODE_LIMITS: readonly CodeLimit[] = [
  { scope: 'person', windowMs: 15 * 60_000, max: 3 },
  { scope: 'person', windowMs: 24 * 3_600_000, max: 10 },
  { scope: 'destination', windowMs: 15 * 60_000, max: 3 },
  { scope: 'destination', windowMs: 24 * 3_600_000, max: 10 },
  { scope: 'station', windowMs: 15 * 60_000, max: 30 },
];

/**
 * One-time codes sent by SMS, call or email: expire after ten minutes, single use, at most five
 * attempts, stored only as a keyed hash (HMAC with a station-derived key, so the six digits
 * can't be brute-forced from a copied registry).
 */
export class VerificationCodes {
  private readonly requests: CodeRequestRepository;
  private readonly codes: VerificationCodeRepository;

  constructor(private readonly ctx: StationContext) {
    this.requests = new CodeRequestRepository(ctx.db);
    this.codes = new VerificationCodeRepository(ctx.db);
  }

  /**
   * Refuses a new code while any limit is reached: `code.rateLimited { minutes }`, the wait until
   * the oldest counted code leaves its window (rounded up, at least 1).
   */
  assertMayIssue(personId: PersonId, destination: string): void {
    const now = this.ctx.clock().getTime();
    let waitMs = 0;
    for (const limit of CODE_LIMITS) {
      const since = new Date(now - limit.windowMs).toISOString();
      const sent = this.requests.sentSince(
        limit.scope === 'person'
          ? { person: personId }
          : limit.scope === 'destination'
            ? { destination }
            : 'station',
        since,
      );
      if (sent.length < limit.max) continue;
      const freesAt = Date.parse(sent[sent.length - limit.max]) + limit.windowMs;
      waitMs = Math.max(waitMs, freesAt - now);
    }
    if (waitMs > 0) {
      throw new StationError('code.rateLimited', {
        minutes: Math.max(1, Math.ceil(waitMs / 60_000)),
      });
    }
  }

  issue(
    id: string,
    personId: PersonId,
    channel: MessageChannel,
    destination: string,
  ): { code: string; expiresAt: string } {
    this.assertMayIssue(personId, destination);
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    const now = this.ctx.clock();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS).toISOString();
    this.codes.insert({
      id,
      personId,
      channel,
      destination,
      codeHash: this.ctx.keys.codeMac(id, code),
      createdAt: now.toISOString(),
      expiresAt,
    });
    return { code, expiresAt };
  }

  /** Forgets a code that was never sent (the gateway failed): it doesn't count. */
  discard(id: string): void {
    this.codes.remove(id);
  }

  /** Ends a sent code (cancelled, or confirmed in person instead): unusable, still counted. */
  retire(id: string): void {
    this.codes.expire(id, new Date(this.ctx.clock().getTime() - 1).toISOString());
  }

  /**
   * Checks a typed code. A wrong attempt is counted in its own committed transaction (so it
   * sticks even though we throw); a right one returns a `consume` to call inside the storing
   * transaction, marking the code used together with the new method.
   */
  check(id: string, typed: string): { consume: () => void } {
    const row = this.codes.find(id);
    if (!row) throw new StationError('enrollment.notFound');
    if (row.used_at) throw new StationError('code.alreadyUsed');
    if (this.ctx.clock().getTime() > Date.parse(row.expires_at))
      throw new StationError('code.expired');
    if (row.attempts >= CODE_MAX_ATTEMPTS) throw new StationError('code.tooManyAttempts');
    const code = typeof typed === 'string' ? typed.slice(0, 64).replace(/\s+/g, '') : '';
    const ok =
      /^\d{6}$/.test(code) &&
      equalBytes(this.ctx.keys.codeMac(id, code), Buffer.from(row.code_hash));
    if (!ok) {
      this.codes.countAttempt(id);
      const attemptsLeft = CODE_MAX_ATTEMPTS - row.attempts - 1;
      if (attemptsLeft <= 0) throw new StationError('code.tooManyAttempts');
      throw new StationError('code.invalid', { attemptsLeft });
    }
    return {
      consume: () => {
        if (!this.codes.markUsed(id, this.ctx.clock().toISOString()))
          throw new StationError('code.alreadyUsed');
      },
    };
  }
}

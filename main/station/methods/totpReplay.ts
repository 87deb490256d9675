import { TotpStepRepository } from '../../db/repositories/totpSteps';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import { totpMatchedStep, type TotpParams } from './totp';

/** After this many wrong codes for one secret, it is refused for LOCK_MS after each new one. */
export const TOTP_MAX_FAILURES = 5;
export const TOTP_LOCK_MS = 15 * 60_000;

/**
 * One-time use of TOTP/OATH codes (RFC 6238 §5.2: "the verifier MUST NOT accept the second
 * attempt of the OTP after the successful validation has been issued for the first OTP"). The
 * last accepted time step and the failures are kept per secret in the registry, keyed by a
 * keyed hash of the secret: a hardware token whose method was deleted goes back to the
 * inventory with its history, and a restart forgets nothing.
 */
export class TotpReplayGuard {
  private readonly steps: TotpStepRepository;

  constructor(private readonly ctx: StationContext) {
    this.steps = new TotpStepRepository(ctx.db);
  }

  /**
   * Checks `typed` against the secret: `code.tooManyAttempts` while locked, `code.invalid
   * {attemptsLeft}` (counted) when wrong, `code.alreadyUsed` for a step at or before the last
   * accepted one. On success returns `accept`, to call inside the storing transaction.
   */
  check(
    secretBase32: string,
    params: TotpParams,
    typed: string,
    maxFailures = TOTP_MAX_FAILURES,
  ): { accept: () => void } {
    const mac = this.macOf(secretBase32);
    const now = this.ctx.clock();
    const row = this.steps.get(mac);
    if (row && row.failures >= maxFailures && row.last_failure_at !== null) {
      if (now.getTime() - Date.parse(row.last_failure_at) < TOTP_LOCK_MS) {
        throw new StationError('code.tooManyAttempts');
      }
    }
    const step = totpMatchedStep(secretBase32, params, typed, now);
    if (step === null) {
      const failures = this.steps.fail(mac, now.toISOString());
      if (failures >= maxFailures) throw new StationError('code.tooManyAttempts');
      throw new StationError('code.invalid', { attemptsLeft: maxFailures - failures });
    }
    if (row?.last_step !== null && row?.last_step !== undefined && step <= row.last_step) {
      throw new StationError('code.alreadyUsed');
    }
    return { accept: () => this.steps.accept(mac, step, this.ctx.clock().toISOString()) };
  }

  private macOf(secretBase32: string): Buffer {
    return this.ctx.keys.codeMac('totp-secret', secretBase32);
  }
}

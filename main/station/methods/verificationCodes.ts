import { randomInt } from 'node:crypto';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { MessageChannel } from '../messaging';
import { equalBytes } from '../secrets';
import type { PersonId } from '../types';

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_DIGITS = 6;

interface CodeRow {
  id: string;
  code_hash: Buffer;
  expires_at: string;
  attempts: number;
  used_at: string | null;
}

/**
 * One-time codes sent by SMS, call or email: expire after ten minutes, single use, at most five
 * attempts, stored only as a keyed hash (HMAC with a station-derived key, so the six digits
 * can't be brute-forced from a copied registry).
 */
export class VerificationCodes {
  constructor(private readonly ctx: StationContext) {}

  issue(
    id: string,
    personId: PersonId,
    channel: MessageChannel,
    destination: string,
  ): { code: string; expiresAt: string } {
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    const now = this.ctx.clock();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS).toISOString();
    this.ctx.db
      .prepare(
        `INSERT INTO verification_codes (id, person_id, channel, destination, code_hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        personId,
        channel,
        destination,
        this.ctx.keys.codeMac(id, code),
        now.toISOString(),
        expiresAt,
      );
    return { code, expiresAt };
  }

  discard(id: string): void {
    this.ctx.db.prepare('DELETE FROM verification_codes WHERE id = ?').run(id);
  }

  /**
   * Checks a typed code. A wrong attempt is counted in its own committed transaction (so it
   * sticks even though we throw); a right one returns a `consume` to call inside the storing
   * transaction, marking the code used together with the new method.
   */
  check(id: string, typed: string): { consume: () => void } {
    const row = this.ctx.db.prepare('SELECT * FROM verification_codes WHERE id = ?').get(id) as
      CodeRow | undefined;
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
      this.ctx.db
        .prepare('UPDATE verification_codes SET attempts = attempts + 1 WHERE id = ?')
        .run(id);
      const attemptsLeft = CODE_MAX_ATTEMPTS - row.attempts - 1;
      if (attemptsLeft <= 0) throw new StationError('code.tooManyAttempts');
      throw new StationError('code.invalid', { attemptsLeft });
    }
    return {
      consume: () => {
        const info = this.ctx.db
          .prepare('UPDATE verification_codes SET used_at = ? WHERE id = ? AND used_at IS NULL')
          .run(this.ctx.clock().toISOString(), id);
        if (info.changes !== 1) throw new StationError('code.alreadyUsed');
      },
    };
  }
}

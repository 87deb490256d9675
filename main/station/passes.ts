import { randomInt } from 'node:crypto';
import { AccessPassRepository } from '../db/repositories/passes';
import { PeopleRepository } from '../db/repositories/people';
import type { StationContext } from './context';
import { StationError } from './errors';
import { decoySlowHash, slowHash, slowHashMatchesAsync } from './secrets';
import type { Person, PersonId } from './types';

export const PASS_LENGTH = { min: 8, max: 48, default: 12 } as const;
export const PASS_LIFETIME_MINUTES = { min: 10, max: 30 * 24 * 60, default: 60 } as const;
/** No look-alikes (0/O, 1/l/I) — passes are read aloud and typed at a kiosk. */
const PASS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export interface IssuedPass {
  /** Shown once to the operator; only its scrypt hash is stored. */
  readonly pass: string;
  readonly expiresAt: string;
  readonly oneTime: boolean;
}

export interface PassStatus {
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly oneTime: boolean;
  readonly used: boolean;
  readonly expired: boolean;
}

/**
 * Temporary access passes for kiosk sign-in (DESIGN.md §3.8): one per person (a new one replaces
 * the old), 8–48 characters, 10 minutes to 30 days, one-time or multi-use, hashed at rest.
 */
export class TemporaryAccessPasses {
  private readonly repo: AccessPassRepository;
  private readonly people: PeopleRepository;

  constructor(private readonly ctx: StationContext) {
    this.repo = new AccessPassRepository(ctx.db);
    this.people = new PeopleRepository(ctx.db);
  }

  issue(
    personId: PersonId,
    opts: { length?: number; lifetimeMinutes?: number; oneTime?: boolean } = {},
  ): IssuedPass {
    this.ctx.session.assertStaff();
    const length = opts.length ?? PASS_LENGTH.default;
    const lifetime = opts.lifetimeMinutes ?? PASS_LIFETIME_MINUTES.default;
    const oneTime = opts.oneTime ?? true;
    if (!Number.isInteger(length) || length < PASS_LENGTH.min || length > PASS_LENGTH.max) {
      throw new StationError('pass.lengthOutOfRange', {
        min: PASS_LENGTH.min,
        max: PASS_LENGTH.max,
      });
    }
    if (
      !Number.isFinite(lifetime) ||
      lifetime < PASS_LIFETIME_MINUTES.min ||
      lifetime > PASS_LIFETIME_MINUTES.max
    ) {
      throw new StationError('pass.lifetimeOutOfRange', {
        minMinutes: PASS_LIFETIME_MINUTES.min,
        maxMinutes: PASS_LIFETIME_MINUTES.max,
      });
    }
    const person = this.people.byId(personId);
    if (!person) throw new StationError('person.notFound');
    let pass = '';
    for (let i = 0; i < length; i++) pass += PASS_ALPHABET[randomInt(PASS_ALPHABET.length)];
    const hash = slowHash(pass, 'generated');
    const now = this.ctx.clock();
    const expiresAt = new Date(now.getTime() + lifetime * 60_000).toISOString();
    this.ctx.db.transaction(() => {
      const replaced = this.repo.remove(personId);
      this.repo.insert({
        personId,
        passHash: hash,
        oneTime,
        issuedAt: now.toISOString(),
        expiresAt,
        issuedBy: this.ctx.session.actor.label,
      });
      this.ctx.audit.append('pass.issued', personId, {
        oneTime,
        expiresAt,
        lifetimeMinutes: lifetime,
        replaced,
      });
    })();
    return { pass, expiresAt, oneTime };
  }

  status(personId: PersonId): PassStatus | null {
    const row = this.repo.forPerson(personId);
    if (!row) return null;
    return {
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      oneTime: row.one_time === 1,
      used: row.used_at !== null,
      expired: this.ctx.clock().getTime() > Date.parse(row.expires_at),
    };
  }

  revoke(personId: PersonId): void {
    this.ctx.session.assertStaff();
    this.ctx.db.transaction(() => {
      if (this.repo.remove(personId)) {
        this.ctx.audit.append('pass.revoked', personId, {});
      }
    })();
  }

  /**
   * Checks a pass; the hash is compared first, so "expired" or "used" is only ever told to
   * someone who knows the pass. A one-time pass is marked used in the same transaction. The
   * scrypt runs off the event loop, and an unknown UPN costs the same scrypt work as a wrong
   * pass.
   */
  async verify(person: Person | undefined, pass: string): Promise<Person> {
    const row = person ? this.repo.forPerson(person.id) : undefined;
    const typed = typeof pass === 'string' ? pass.trim().slice(0, 64) : '';
    if (!person || !row) {
      await slowHashMatchesAsync(typed, await decoySlowHash('pass', 'generated'));
      throw new StationError('pass.invalid');
    }
    const checkedHash = String(row.pass_hash);
    if (!(await slowHashMatchesAsync(typed, checkedHash))) {
      this.ctx.db.transaction(() =>
        this.ctx.audit.append('person.signInFailed', person.id, { method: 'accessPass' }),
      )();
      throw new StationError('pass.invalid');
    }
    // While the hash was being checked the pass may have been replaced or revoked: only the
    // pass that matched may sign in, read again now.
    const current = this.repo.forPerson(person.id);
    if (!current || String(current.pass_hash) !== checkedHash)
      throw new StationError('pass.invalid');
    if (this.ctx.clock().getTime() > Date.parse(current.expires_at))
      throw new StationError('pass.expired');
    if (current.one_time === 1 && current.used_at !== null) throw new StationError('pass.used');
    if (person.status !== 'active' || this.people.byId(person.id)?.status !== 'active')
      throw new StationError('person.disabled');
    this.ctx.db.transaction(() => {
      if (current.one_time === 1) {
        if (!this.repo.markUsed(person.id, this.ctx.clock().toISOString()))
          throw new StationError('pass.used');
      }
      this.ctx.audit.append('pass.used', person.id, { oneTime: current.one_time === 1 });
    })();
    return person;
  }
}

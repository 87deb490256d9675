import { randomBytes } from 'node:crypto';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { MethodKind, PersonId } from '../types';

/** Ten minutes to finish a step, as one-time codes do. */
export const ENROLLMENT_TTL_MS = 10 * 60_000;

interface Pending<T> {
  readonly personId: PersonId;
  readonly kind: MethodKind;
  readonly expiresAt: number;
  /** The session that began it (Session.id): only that session may continue or cancel it. */
  readonly sessionId: string;
  state: T;
}

/**
 * Multi-step enrollments live only in memory until their single storing transaction: a crash
 * or restart forgets them, which is exactly "never half a method". Secrets shown to the person
 * (a TOTP secret) stay here and are sealed only when stored.
 */
export class PendingEnrollments<T> {
  private readonly items = new Map<string, Pending<T>>();

  constructor(
    private readonly ctx: Pick<StationContext, 'clock' | 'session'>,
    /** Releases what an abandoned enrollment holds (e.g. an open security key). */
    private readonly dispose: (state: T) => void = () => undefined,
  ) {}

  create(
    personId: PersonId,
    kind: MethodKind,
    state: T,
    ttlMs = ENROLLMENT_TTL_MS,
  ): {
    id: string;
    expiresAt: string;
  } {
    this.sweep();
    const id = randomBytes(16).toString('base64url');
    const expiresAt = this.ctx.clock().getTime() + ttlMs;
    this.ctx.session.assertMayActOn(personId);
    this.items.set(id, { personId, kind, expiresAt, sessionId: this.ctx.session.id, state });
    return { id, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * The pending enrollment, checked for expiry and that the session that began it is the one
   * asking (another session gets `enrollment.notFound`, as if the id did not exist).
   * `operatorMay`: a signed-in operator may also act (in-person confirmation at a kiosk).
   */
  get(id: string, opts: { operatorMay?: boolean } = {}): Pending<T> {
    const item = this.items.get(id);
    if (!item || !this.ownedHere(item, opts.operatorMay ?? false)) {
      throw new StationError('enrollment.notFound');
    }
    if (this.ctx.clock().getTime() > item.expiresAt) {
      this.items.delete(id);
      this.dispose(item.state);
      throw new StationError('enrollment.expired');
    }
    this.ctx.session.assertMayActOn(item.personId);
    return item;
  }

  /** Whether the id is pending here at all (no ownership or expiry check). */
  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Removes a pending enrollment after it was stored (the caller already holds it). */
  delete(id: string): Pending<T> | undefined {
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  /**
   * Cancel by id: only the session that began it. An id already gone (finished, expired) is a
   * no-op; another session's id throws `enrollment.notFound` and cancels nothing, so an id seen
   * over someone's shoulder is useless.
   */
  cancel(id: string): Pending<T> | undefined {
    const item = this.items.get(id);
    if (!item) return undefined;
    if (!this.ownedHere(item, false)) throw new StationError('enrollment.notFound');
    this.items.delete(id);
    return item;
  }

  private ownedHere(item: Pending<T>, operatorMay: boolean): boolean {
    if (item.sessionId === this.ctx.session.id) return true;
    return operatorMay && this.ctx.session.actor.kind === 'operator';
  }

  private sweep(): void {
    const now = this.ctx.clock().getTime();
    for (const [id, item] of this.items) {
      if (now > item.expiresAt) {
        this.items.delete(id);
        this.dispose(item.state);
      }
    }
  }

  /** Forgets everything (station closing, kiosk session ending). */
  clear(): void {
    for (const item of this.items.values()) this.dispose(item.state);
    this.items.clear();
  }
}

import { StationError } from './errors';
import { SYSTEM_ACTOR, type Actor, type PersonId } from './types';

/**
 * Who is acting at the station right now: the station itself (setup, tests), a signed-in
 * operator, or a person signed in with a temporary access pass (kiosk). Every audit row
 * records this actor; kiosk people may only touch their own record.
 */
export class Session {
  private current: Actor = SYSTEM_ACTOR;
  private operatorRole: 'operator' | 'admin' | null = null;
  /** Bumped at every sign-in and sign-out: a new kiosk person is a new session. */
  private epoch = 0;

  /**
   * Names this session (actor + sign-in): what a pending enrollment is bound to, so the next
   * person at a kiosk, or the same person after signing in again, can't pick it up by id.
   */
  get id(): string {
    return `${this.epoch}:${this.current.kind}:${this.current.id}`;
  }

  get actor(): Actor {
    return this.current;
  }

  get isOperator(): boolean {
    return this.current.kind === 'operator';
  }

  setOperator(id: number, label: string, role: 'operator' | 'admin'): void {
    this.current = { kind: 'operator', id: String(id), label };
    this.operatorRole = role;
    this.epoch += 1;
  }

  setPerson(id: PersonId, upn: string): void {
    this.current = { kind: 'person', id: String(id), label: upn };
    this.operatorRole = null;
    this.epoch += 1;
  }

  clear(): void {
    this.current = SYSTEM_ACTOR;
    this.operatorRole = null;
    this.epoch += 1;
  }

  /** A person signed in at a kiosk may act only on their own security info. */
  assertMayActOn(personId: PersonId): void {
    if (this.current.kind === 'person' && this.current.id !== String(personId)) {
      throw new StationError('session.forbidden');
    }
  }

  /** Roster, passes, tokens, in-person verification: an operator (or the station itself). */
  assertStaff(): void {
    if (this.current.kind === 'person') throw new StationError('session.operatorRequired');
  }

  assertOperator(): Actor {
    if (this.current.kind !== 'operator') throw new StationError('session.operatorRequired');
    return this.current;
  }

  /** Policy and operator accounts: an admin operator (or the station itself). */
  assertAdmin(): void {
    if (this.current.kind === 'person') throw new StationError('session.adminRequired');
    if (this.current.kind === 'operator' && this.operatorRole !== 'admin') {
      throw new StationError('session.adminRequired');
    }
  }
}

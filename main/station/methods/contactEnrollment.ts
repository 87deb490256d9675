import type { StationContext } from '../context';
import { StationError } from '../errors';
import { codeMessage, type MessageChannel, type MessageGateway } from '../messaging';
import type { MethodKind, MethodSummary, PersonId } from '../types';
import { PendingEnrollments } from './pending';
import type { MethodRegistry } from './registry';
import { CODE_MAX_ATTEMPTS, VerificationCodes } from './verificationCodes';

export type Delivery = 'gateway' | 'inPerson';

interface ContactState {
  readonly kind: MethodKind;
  readonly channel: MessageChannel;
  readonly destination: string;
  readonly delivery: Delivery;
  /** Stored with the method (a phone's type: mobile, alternate mobile, office). */
  readonly data?: Readonly<Record<string, string>>;
}

/** Where a pending enrollment sent its code, and from when (to find the message again). */
export interface SentCode {
  readonly channel: MessageChannel;
  readonly destination: string;
  readonly since: string;
}

/**
 * The shared "send a code or let the operator confirm in person" pattern of phone and email
 * (DESIGN.md §3.5, §3.6). Codes go through the configured MessageGateway; in-person verification
 * needs a signed-in operator and is recorded as such in the audit log.
 */
export class ContactEnrollment {
  private readonly pending: PendingEnrollments<ContactState & { readonly since: string }>;
  private readonly codes: VerificationCodes;

  constructor(
    private readonly ctx: StationContext,
    private readonly methods: MethodRegistry,
    private readonly gateway: () => MessageGateway,
  ) {
    this.pending = new PendingEnrollments(ctx);
    this.codes = new VerificationCodes(ctx);
  }

  async start(
    personId: PersonId,
    state: ContactState,
  ): Promise<{ enrollmentId: string; expiresAt: string; attemptsLeft: number }> {
    if (state.delivery !== 'gateway' && state.delivery !== 'inPerson') {
      throw new StationError('input.invalid', { field: 'delivery' });
    }
    if (state.delivery === 'inPerson') this.ctx.session.assertOperator();
    else this.codes.assertMayIssue(personId, state.destination);
    const since = this.ctx.clock().toISOString();
    const { id, expiresAt } = this.pending.create(personId, state.kind, { ...state, since });
    if (state.delivery === 'gateway') {
      let code: string;
      try {
        ({ code } = this.ctx.db.transaction(() =>
          this.codes.issue(id, personId, state.channel, state.destination),
        )());
      } catch (err) {
        this.pending.delete(id);
        throw err;
      }
      try {
        await this.gateway().send({
          channel: state.channel,
          to: state.destination,
          text: codeMessage(state.channel, this.ctx.policy().organizationName, code),
          personId,
        });
      } catch (err) {
        this.codes.discard(id);
        this.pending.delete(id);
        throw err instanceof StationError ? err : new StationError('gateway.failed', { status: 0 });
      }
    }
    return { enrollmentId: id, expiresAt, attemptsLeft: CODE_MAX_ATTEMPTS };
  }

  complete(enrollmentId: string, code: string, label: string): MethodSummary {
    const item = this.pending.get(enrollmentId);
    if (item.state.delivery !== 'gateway') throw new StationError('enrollment.notFound');
    const check = this.codes.check(enrollmentId, code);
    const methodId = this.ctx.db.transaction(() => {
      check.consume();
      return this.methods.insert(
        item.personId,
        { kind: item.state.kind, label, detail: item.state.destination, data: item.state.data },
        { verification: 'code' },
      );
    })();
    this.pending.delete(enrollmentId);
    return this.methods.get(item.personId, methodId);
  }

  confirmInPerson(enrollmentId: string, label: string): MethodSummary {
    const operator = this.ctx.session.assertOperator();
    const item = this.pending.get(enrollmentId, { operatorMay: true });
    const methodId = this.ctx.db.transaction(() => {
      if (item.state.delivery === 'gateway') this.codes.retire(enrollmentId);
      return this.methods.insert(
        item.personId,
        { kind: item.state.kind, label, detail: item.state.destination, data: item.state.data },
        { verification: 'operatorInPerson', verifiedBy: operator.label },
      );
    })();
    this.pending.delete(enrollmentId);
    return this.methods.get(item.personId, methodId);
  }

  /**
   * Staff at a kiosk confirmed the person's number or address in person, the operator's
   * password or key checked on the spot (main/station/access.ts): the kiosk person's own
   * pending enrollment is stored as verified by that operator, and the person stays signed in.
   */
  confirmByOperator(
    enrollmentId: string,
    label: string,
    operator: { id: number; username: string },
  ): MethodSummary {
    if (this.ctx.session.actor.kind !== 'person') {
      throw new StationError('session.forbidden');
    }
    const item = this.pending.get(enrollmentId);
    const methodId = this.ctx.db.transaction(() => {
      if (item.state.delivery === 'gateway') this.codes.retire(enrollmentId);
      return this.methods.insert(
        item.personId,
        { kind: item.state.kind, label, detail: item.state.destination, data: item.state.data },
        {
          verification: 'operatorInPerson',
          verifiedBy: operator.username,
          operatorId: operator.id,
        },
      );
    })();
    this.pending.delete(enrollmentId);
    return this.methods.get(item.personId, methodId);
  }

  cancel(enrollmentId: string): void {
    if (this.pending.cancel(enrollmentId)) this.codes.retire(enrollmentId);
  }

  /**
   * Where the code of a pending enrollment went (its session, or a signed-in operator);
   * null when it is not pending here (finished, cancelled, another flow's) or sent no code.
   */
  sentCode(enrollmentId: string): SentCode | null {
    if (!this.pending.has(enrollmentId)) return null;
    const { state } = this.pending.get(enrollmentId, { operatorMay: true });
    if (state.delivery !== 'gateway') return null;
    return { channel: state.channel, destination: state.destination, since: state.since };
  }
}

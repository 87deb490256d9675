import { z } from 'zod';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { MessageGateway } from '../messaging';
import type { PeopleService } from '../people';
import type { MethodSummary, PersonId } from '../types';
import { ContactEnrollment, type Delivery, type SentCode } from './contactEnrollment';
import type { MethodRegistry } from './registry';

const Address = z.string().trim().max(254).email();

/** Alternate email address: password reset only, never default (DESIGN.md §1). */
export class EmailEnrollment {
  private readonly flow: ContactEnrollment;

  constructor(
    ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    gateway: () => MessageGateway,
  ) {
    this.flow = new ContactEnrollment(ctx, methods, gateway);
  }

  async begin(
    personId: PersonId,
    req: { address: string; delivery: Delivery },
  ): Promise<{
    enrollmentId: string;
    address: string;
    delivery: Delivery;
    expiresAt: string;
    attemptsLeft: number;
  }> {
    const person = this.people.get(personId);
    if (!req || typeof req !== 'object') throw new StationError('email.invalid');
    this.methods.assertCanAdd(personId, 'email');
    if (this.methods.list(personId).some((m) => m.kind === 'email')) {
      throw new StationError('method.alreadyRegistered', { kind: 'email' });
    }
    const parsed = Address.safeParse(req.address);
    if (!parsed.success) throw new StationError('email.invalid');
    const at = parsed.data.lastIndexOf('@');
    const address = parsed.data.slice(0, at) + parsed.data.slice(at).toLowerCase();
    // An *alternate* address: the work account itself can't reset its own password.
    if (address.toLowerCase() === person.upn.toLowerCase()) throw new StationError('email.invalid');
    const started = await this.flow.start(personId, {
      kind: 'email',
      channel: 'email',
      destination: address,
      delivery: req.delivery,
    });
    return { ...started, address, delivery: req.delivery };
  }

  complete(enrollmentId: string, code: string): MethodSummary {
    return this.flow.complete(enrollmentId, code, '');
  }

  confirmInPerson(enrollmentId: string): MethodSummary {
    return this.flow.confirmInPerson(enrollmentId, '');
  }

  /** Staff at a kiosk confirmed in person (their password or key checked by StationAccess). */
  confirmByOperator(
    enrollmentId: string,
    operator: { id: number; username: string },
  ): MethodSummary {
    return this.flow.confirmByOperator(enrollmentId, '', operator);
  }

  cancel(enrollmentId: string): void {
    this.flow.cancel(enrollmentId);
  }

  sentCode(enrollmentId: string): SentCode | null {
    return this.flow.sentCode(enrollmentId);
  }
}

/**
 * What the phone and email flows may show of the codes they sent (DESIGN.md §3.5, §3.6): on a
 * demo station the message the offline gateway recorded, so the flow can be tried without a
 * phone; on a real station only to a signed-in operator, who hands the code over in person
 * (codes are secrets: never to the person on their own).
 */
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { Outbox } from '../messaging';
import type { SentCode } from './contactEnrollment';

export interface ContactOptions {
  readonly gateway: 'outbox' | 'online';
  readonly canConfirmInPerson: boolean;
  readonly demo: boolean;
  readonly canReadOutbox: boolean;
  /** A kiosk person: staff can confirm on the same screen (StationAccess.confirmContactAtKiosk). */
  readonly canAskStaff: boolean;
}

export interface SentMessage {
  readonly channel: 'sms' | 'call' | 'email';
  readonly destination: string;
  readonly text: string;
  readonly createdAt: string;
}

export class SentCodes {
  constructor(
    private readonly ctx: Pick<StationContext, 'mode' | 'session'>,
    private readonly outbox: Outbox,
    private readonly flows: readonly { sentCode(enrollmentId: string): SentCode | null }[],
  ) {}

  /** What the contact step offers: in-person confirmation, reading the outbox. */
  options(gateway: ContactOptions['gateway']): ContactOptions {
    const operator = this.ctx.session.actor.kind === 'operator';
    const demo = this.ctx.mode === 'demo';
    return {
      gateway,
      canConfirmInPerson: operator,
      demo,
      canReadOutbox: demo || operator,
      canAskStaff: this.ctx.session.actor.kind === 'person',
    };
  }

  /** The recorded message of a pending enrollment's code; null when there is none (any more). */
  message(enrollmentId: string): SentMessage | null {
    if (this.ctx.mode !== 'demo' && this.ctx.session.actor.kind !== 'operator') {
      throw new StationError('session.forbidden');
    }
    let sent: SentCode | null = null;
    for (const flow of this.flows) sent ??= flow.sentCode(enrollmentId);
    if (!sent) return null;
    const { channel, destination, since } = sent;
    // Through pendingTo: on a demo station the kiosk person sees their own code's message too.
    const message = this.outbox.pendingTo(channel, destination, since);
    return message
      ? {
          channel: message.channel,
          destination: message.destination,
          text: message.text,
          createdAt: message.createdAt,
        }
      : null;
  }
}

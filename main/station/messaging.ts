import { OutboxRepository } from '../db/repositories/outbox';
import type { StationContext } from './context';
import { StationError } from './errors';
import type { PersonId } from './types';

export type MessageChannel = 'sms' | 'call' | 'email';

export interface OutgoingMessage {
  readonly channel: MessageChannel;
  /** E.164 number or email address. */
  readonly to: string;
  readonly text: string;
  readonly personId: PersonId | null;
}

/**
 * Delivers one-time codes (DESIGN.md §1 "the configured gateway"). `outbox` records messages in the
 * registry for an operator or later delivery (offline stations); `http` POSTs them to a URL.
 */
export interface MessageGateway {
  readonly kind: string;
  send(message: OutgoingMessage): Promise<void>;
}

export interface OutboxMessage {
  readonly id: number;
  readonly channel: MessageChannel;
  readonly destination: string;
  readonly text: string;
  readonly personId: PersonId | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

/** The offline gateway: message bodies carry a code, so they are sealed at rest. */
export class OutboxGateway implements MessageGateway {
  readonly kind = 'outbox';
  private readonly repo: OutboxRepository;

  constructor(private readonly ctx: Pick<StationContext, 'db' | 'keys' | 'clock'>) {
    this.repo = new OutboxRepository(ctx.db);
  }

  async send(m: OutgoingMessage): Promise<void> {
    this.repo.insert({
      channel: m.channel,
      destination: m.to,
      bodySealed: this.ctx.keys.seal(Buffer.from(m.text, 'utf8'), 'outbox'),
      personId: m.personId,
      createdAt: this.ctx.clock().toISOString(),
    });
  }
}

export interface HttpGatewayOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Test seam. */
  readonly fetch?: typeof fetch;
}

/** POSTs `{channel, to, text}` as JSON; any non-2xx or network failure is `gateway.failed`. */
export class HttpGateway implements MessageGateway {
  readonly kind = 'http';
  constructor(private readonly opts: HttpGatewayOptions) {
    const u = new URL(opts.url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      throw new StationError('gateway.notConfigured');
  }

  async send(m: OutgoingMessage): Promise<void> {
    const doFetch = this.opts.fetch ?? fetch;
    let status: number;
    try {
      const res = await doFetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.opts.headers },
        body: JSON.stringify({ channel: m.channel, to: m.to, text: m.text }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.body?.cancel();
    } catch {
      throw new StationError('gateway.failed', { status: 0 });
    }
    if (status < 200 || status > 299) throw new StationError('gateway.failed', { status });
  }
}

/** Messages the outbox gateway recorded; staff only (they contain codes). */
export class Outbox {
  private readonly repo: OutboxRepository;

  constructor(private readonly ctx: StationContext) {
    this.repo = new OutboxRepository(ctx.db);
  }

  list(opts: { pendingOnly?: boolean } = {}): OutboxMessage[] {
    this.ctx.session.assertStaff();
    return this.repo.list(opts.pendingOnly === true).map((r) => ({
      id: r.id,
      channel: r.channel,
      destination: r.destination,
      text: this.ctx.keys.open(r.body_sealed, 'outbox').toString('utf8'),
      personId: r.person_id,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    }));
  }

  /**
   * The newest pending message to one destination since a time: what a phone or email flow
   * shows of its own code. Staff only — except on a demo station, where the person at the kiosk
   * sees the demo's recorded message (training and tests need no real phone).
   */
  pendingTo(channel: MessageChannel, destination: string, since: string): OutboxMessage | null {
    if (this.ctx.mode !== 'demo') this.ctx.session.assertStaff();
    // Newest first.
    const r = this.repo
      .list(true)
      .find((m) => m.channel === channel && m.destination === destination && m.created_at >= since);
    if (!r) return null;
    return {
      id: r.id,
      channel: r.channel,
      destination: r.destination,
      text: this.ctx.keys.open(r.body_sealed, 'outbox').toString('utf8'),
      personId: r.person_id,
      createdAt: r.created_at,
      deliveredAt: r.delivered_at,
    };
  }

  markDelivered(id: number): void {
    this.ctx.session.assertStaff();
    this.repo.markDelivered(id, this.ctx.clock().toISOString());
  }
}

/** The message text, in both station languages (the person may read either). */
export function codeMessage(channel: MessageChannel, organization: string, code: string): string {
  if (channel === 'call') {
    const spoken = code.split('').join(' ');
    return `${organization}. Din verifieringskod är ${spoken}. Your verification code is ${spoken}.`;
  }
  return `${organization}: din verifieringskod är ${code} / your verification code is ${code}`;
}

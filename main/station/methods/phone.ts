import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { MessageGateway } from '../messaging';
import type { PeopleService } from '../people';
import type { MethodSummary, PersonId } from '../types';
import { ContactEnrollment, type Delivery, type SentCode } from './contactEnrollment';
import type { MethodRegistry } from './registry';

export interface PhoneRequest {
  readonly kind: 'phoneSms' | 'phoneCall';
  readonly number: string;
  /** ISO 3166 alpha-2 country for numbers typed without +; e.g. 'SE'. */
  readonly country?: string;
  readonly delivery: Delivery;
  /**
   * Which of the person's phones (docs/DESIGN.md §3.5: a call may go to another number than the mobile):
   * the mobile (texts and calls), an alternate mobile or an office phone (calls). Default mobile.
   */
  readonly phoneType?: PhoneType;
}

export const PHONE_TYPES = ['mobile', 'alternateMobile', 'office'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

export interface ParsedPhone {
  readonly e164: string;
  readonly display: string;
  /** The extension that was typed and removed (DESIGN.md §3.5: extensions are not supported). */
  readonly extensionRemoved: string | null;
  readonly type: string | null;
}

/**
 * Number types (libphonenumber-js 'max' metadata) a person's own phone has. Everything else —
 * premium-rate, shared-cost, toll-free, UAN, personal-number and VoIP services, pagers,
 * voicemail, unknown — is refused: a code call to a premium-rate number is toll fraud once a
 * gateway is live (docs/SECURITY-REVIEW.md). Texts go to mobiles only; the US and a few other
 * plans can't tell fixed from mobile, so FIXED_LINE_OR_MOBILE takes both.
 */
const CALLABLE = new Set(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE']);
const TEXTABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

export function parsePhone(number: string, country?: string): ParsedPhone {
  if (typeof number !== 'string' || number.length > 64) throw new StationError('phone.invalid');
  const cc =
    country && /^[A-Z]{2}$/i.test(country) ? (country.toUpperCase() as CountryCode) : undefined;
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(number, cc);
  } catch {
    throw new StationError('phone.invalid');
  }
  if (!parsed || !parsed.isValid()) throw new StationError('phone.invalid');
  return {
    e164: parsed.number,
    display: parsed.formatInternational().replace(/\s*ext\..*$/, ''),
    extensionRemoved: parsed.ext ? String(parsed.ext) : null,
    type: parsed.getType() ?? null,
  };
}

/** Phone (SMS / call): E.164 at rest, extension removed and reported, code or operator-confirmed. */
export class PhoneEnrollment {
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
    req: PhoneRequest,
  ): Promise<{
    enrollmentId: string;
    e164: string;
    display: string;
    extensionRemoved: string | null;
    delivery: Delivery;
    expiresAt: string;
    attemptsLeft: number;
  }> {
    this.people.get(personId);
    if (!req || typeof req !== 'object') throw new StationError('input.invalid', { field: 'kind' });
    if (req.kind !== 'phoneSms' && req.kind !== 'phoneCall')
      throw new StationError('input.invalid', { field: 'kind' });
    this.methods.assertCanAdd(personId, req.kind);
    const phoneType = req.phoneType ?? 'mobile';
    if (!(PHONE_TYPES as readonly string[]).includes(phoneType)) {
      throw new StationError('input.invalid', { field: 'phoneType' });
    }
    // Texts go to the mobile only; calls to each of the three phones once.
    if (req.kind === 'phoneSms' && phoneType !== 'mobile') {
      throw new StationError('input.invalid', { field: 'phoneType' });
    }
    const sameType = (m: MethodSummary) =>
      m.kind === req.kind && (m.kind === 'phoneSms' || (m.phoneType ?? 'mobile') === phoneType);
    if (this.methods.list(personId).some(sameType)) {
      throw new StationError('method.alreadyRegistered', { kind: req.kind });
    }
    const phone = parsePhone(req.number, req.country);
    if (req.kind === 'phoneSms' && !TEXTABLE.has(phone.type ?? '')) {
      throw new StationError('phone.notMobile');
    }
    if (req.kind === 'phoneCall' && !CALLABLE.has(phone.type ?? '')) {
      throw new StationError('phone.notPersonal');
    }
    const started = await this.flow.start(personId, {
      kind: req.kind,
      channel: req.kind === 'phoneSms' ? 'sms' : 'call',
      destination: phone.e164,
      delivery: req.delivery,
      ...(req.kind === 'phoneCall' ? { data: { phoneType } } : {}),
    });
    return {
      ...started,
      e164: phone.e164,
      display: phone.display,
      extensionRemoved: phone.extensionRemoved,
      delivery: req.delivery,
    };
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

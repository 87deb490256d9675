import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { PeopleService } from '../people';
import type { MethodSummary, PersonId } from '../types';
import { PendingEnrollments } from './pending';
import type { MethodRegistry } from './registry';
import { totpMatches, type TotpAlgorithm } from './totp';

export const APP_MAX_ATTEMPTS = 5;

export interface AuthenticatorAppStart {
  readonly enrollmentId: string;
  readonly otpauthUri: string;
  readonly qrDataUrl: string;
  readonly qrSvg: string;
  /** "Can't scan the QR code?" (seed 001). */
  readonly manual: {
    readonly account: string;
    readonly issuer: string;
    readonly secret: string;
    readonly period: 30 | 60;
    readonly digits: 6 | 8;
    readonly algorithm: TotpAlgorithm;
  };
  readonly expiresAt: string;
}

interface AppState {
  readonly secretBase32: string;
  readonly period: 30 | 60;
  readonly digits: 6 | 8;
  readonly algorithm: TotpAlgorithm;
  attempts: number;
}

/** Secret size per HMAC (RFC 4226 §4 recommends ≥ 160 bits; match the hash output). */
const SECRET_BYTES: Record<TotpAlgorithm, number> = { SHA1: 20, SHA256: 32, SHA512: 64 };

/** Authenticator app (TOTP) enrollment: QR / manual secret, then a current code (SPEC §3.4). */
export class AuthenticatorAppEnrollment {
  private readonly pending: PendingEnrollments<AppState>;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
  ) {
    this.pending = new PendingEnrollments(ctx);
  }

  async begin(personId: PersonId): Promise<AuthenticatorAppStart> {
    const person = this.people.get(personId);
    this.methods.assertCanAdd(personId, 'authenticatorApp');
    const { totp: t } = this.ctx.policy();
    const secret = new Secret({ size: SECRET_BYTES[t.algorithm] });
    const totp = new TOTP({
      issuer: t.issuer,
      label: person.upn,
      secret,
      period: t.period,
      digits: t.digits,
      algorithm: t.algorithm,
    });
    const otpauthUri = totp.toString();
    const [qrDataUrl, qrSvg] = await Promise.all([
      QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 256 }),
      QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    ]);
    const { id, expiresAt } = this.pending.create(personId, 'authenticatorApp', {
      secretBase32: secret.base32,
      period: t.period,
      digits: t.digits,
      algorithm: t.algorithm,
      attempts: 0,
    });
    return {
      enrollmentId: id,
      otpauthUri,
      qrDataUrl,
      qrSvg,
      manual: {
        account: person.upn,
        issuer: t.issuer,
        secret: secret.base32.replace(/(.{4})(?=.)/g, '$1 '),
        period: t.period,
        digits: t.digits,
        algorithm: t.algorithm,
      },
      expiresAt,
    };
  }

  /** Activation by the code the app shows now (±1 period); stores the method in one transaction. */
  complete(enrollmentId: string, code: string): MethodSummary {
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    if (!totpMatches(s.secretBase32, s, code, this.ctx.clock())) {
      s.attempts += 1;
      if (s.attempts >= APP_MAX_ATTEMPTS) {
        this.pending.delete(enrollmentId);
        throw new StationError('code.tooManyAttempts');
      }
      throw new StationError('code.invalid', { attemptsLeft: APP_MAX_ATTEMPTS - s.attempts });
    }
    const methodId = this.ctx.db.transaction(() =>
      this.methods.insert(item.personId, {
        kind: 'authenticatorApp',
        label: 'Authenticator app',
        detail: '',
        sealedSecret: this.ctx.keys.seal(Buffer.from(s.secretBase32, 'ascii'), 'totp'),
        data: { period: s.period, digits: s.digits, algorithm: s.algorithm },
      }),
    )();
    this.pending.delete(enrollmentId);
    return this.methods.get(item.personId, methodId);
  }

  cancel(enrollmentId: string): void {
    this.pending.cancel(enrollmentId);
  }
}

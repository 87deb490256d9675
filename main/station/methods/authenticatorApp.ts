import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { StationContext } from '../context';
import { isStationError } from '../errors';
import type { PeopleService } from '../people';
import type { MethodSummary, PersonId } from '../types';
import { PendingEnrollments } from './pending';
import { methodName, type MethodRegistry } from './registry';
import { type TotpAlgorithm } from './totp';
import { TotpReplayGuard } from './totpReplay';

export const APP_MAX_ATTEMPTS = 5;

export interface AuthenticatorAppStart {
  readonly enrollmentId: string;
  readonly otpauthUri: string;
  readonly qrSvg: string;
  /** "Can't scan the QR code?" (DESIGN.md §1). */
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
}

/** Secret size per HMAC (RFC 4226 §4 recommends ≥ 160 bits; match the hash output). */
const SECRET_BYTES: Record<TotpAlgorithm, number> = { SHA1: 20, SHA256: 32, SHA512: 64 };

/**
 * "Ladda ned nu": where Microsoft Authenticator is in the app stores, as the seeds' first page
 * offers it (DESIGN.md §3.4). Public addresses, no person's data.
 */
export const APP_STORE_LINKS = [
  { store: 'appStore', url: 'https://apps.apple.com/app/microsoft-authenticator/id983156458' },
  {
    store: 'googlePlay',
    url: 'https://play.google.com/store/apps/details?id=com.azure.authenticator',
  },
] as const;

/** Authenticator app (TOTP) enrollment: QR / manual secret, then a current code (DESIGN.md §3.4). */
export class AuthenticatorAppEnrollment {
  private readonly pending: PendingEnrollments<AppState>;
  private readonly replay: TotpReplayGuard;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
  ) {
    this.pending = new PendingEnrollments(ctx);
    this.replay = new TotpReplayGuard(ctx);
  }

  /** The app stores' addresses with a QR code each, for the phone's camera. */
  async downloadLinks(): Promise<
    { store: 'appStore' | 'googlePlay'; url: string; qrSvg: string }[]
  > {
    return Promise.all(
      APP_STORE_LINKS.map(async (l) => ({
        store: l.store,
        url: l.url,
        qrSvg: await QRCode.toString(l.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      })),
    );
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
    // SVG only: the page scales it, and a PNG encoder in JavaScript costs the person a wait.
    const qrSvg = await QRCode.toString(otpauthUri, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
    const { id, expiresAt } = this.pending.create(personId, 'authenticatorApp', {
      secretBase32: secret.base32,
      period: t.period,
      digits: t.digits,
      algorithm: t.algorithm,
    });
    return {
      enrollmentId: id,
      otpauthUri,
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
  complete(enrollmentId: string, code: string, name?: string): MethodSummary {
    const given = methodName(name);
    const item = this.pending.get(enrollmentId);
    const s = item.state;
    let check: { accept: () => void };
    try {
      check = this.replay.check(s.secretBase32, s, code, APP_MAX_ATTEMPTS);
    } catch (err) {
      if (isStationError(err, 'code.tooManyAttempts')) this.pending.delete(enrollmentId);
      throw err;
    }
    const methodId = this.ctx.db.transaction(() => {
      check.accept();
      return this.methods.insert(item.personId, {
        kind: 'authenticatorApp',
        label: given ?? 'Authenticator app',
        detail: '',
        sealedSecret: this.ctx.keys.seal(Buffer.from(s.secretBase32, 'ascii'), 'totp'),
        data: {
          period: s.period,
          digits: s.digits,
          algorithm: s.algorithm,
          ...(given ? { name: given } : {}),
        },
      });
    })();
    this.pending.delete(enrollmentId);
    return this.methods.get(item.personId, methodId);
  }

  cancel(enrollmentId: string): void {
    this.pending.cancel(enrollmentId);
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_POLICY } from '../../../main/station/policy';
import { totpCode } from '../../../main/station/methods/totp';
import { addPerson, makeStation, type TestStation } from './helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

const P = { period: 30, digits: 6, algorithm: 'SHA1' } as const;

describe('authenticator app enrollment', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
  });
  afterEach(() => t.close());

  it('otpauth URI carries the policy issuer and the UPN; QR as data URL and SVG; manual details', async () => {
    const p = t.station.people.create({ upn: 'anna@example.org', displayName: 'Anna' });
    const s = await t.station.enroll.authenticatorApp.begin(p.id);
    const uri = new URL(s.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Demo Organization:anna@example.org');
    expect(uri.searchParams.get('issuer')).toBe('Demo Organization');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('secret')).toBe(s.manual.secret.replace(/ /g, ''));
    expect(s.qrSvg).toContain('<svg');
    expect(s.manual).toMatchObject({
      account: 'anna@example.org',
      issuer: 'Demo Organization',
      digits: 6,
    });
    expect(s.manual.secret.replace(/ /g, '')).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('uses the policy TOTP settings', async () => {
    t.station.policy.update({
      ...DEMO_POLICY,
      totp: { issuer: 'Acme IT', period: 60, digits: 8, algorithm: 'SHA256' },
    });
    const p = addPerson(t.station);
    const s = await t.station.enroll.authenticatorApp.begin(p);
    const uri = new URL(s.otpauthUri);
    expect(uri.searchParams.get('issuer')).toBe('Acme IT');
    expect(uri.searchParams.get('digits')).toBe('8');
    expect(uri.searchParams.get('algorithm')).toBe('SHA256');
    const code = totpCode(
      s.manual.secret.replace(/ /g, ''),
      { period: 60, digits: 8, algorithm: 'SHA256' },
      t.clock.now(),
    );
    expect(code).toHaveLength(8);
    expect(t.station.enroll.authenticatorApp.complete(s.enrollmentId, code).kind).toBe(
      'authenticatorApp',
    );
  });

  it('activates with a current code ±1 period, not ±2; stored sealed, never in clear', async () => {
    const p = addPerson(t.station);
    const s = await t.station.enroll.authenticatorApp.begin(p);
    const secret = s.manual.secret.replace(/ /g, '');
    const at = (offsetPeriods: number) =>
      totpCode(secret, P, new Date(t.clock.ms + offsetPeriods * 30_000));
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, at(2))).toThrow(
      expect.objectContaining({ code: 'code.invalid', params: { attemptsLeft: 4 } }),
    );
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, at(-2))).toThrow(
      expect.objectContaining({ code: 'code.invalid' }),
    );
    const m = t.station.enroll.authenticatorApp.complete(s.enrollmentId, at(-1));
    expect(m).toMatchObject({ kind: 'authenticatorApp', isDefault: true });
    const sealed = new RegistryInspection(stationContext(t.station).db).method(m.id)?.secret;
    if (!sealed) throw new Error('no sealed secret');
    expect(sealed.toString('latin1')).not.toContain(secret);
    expect(stationContext(t.station).keys.open(sealed, 'totp').toString('ascii')).toBe(secret);
    // Finished enrollments are forgotten.
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, at(0))).toThrow(
      expect.objectContaining({ code: 'enrollment.notFound' }),
    );
  });

  it('+1 period is accepted too', async () => {
    const p = addPerson(t.station);
    const s = await t.station.enroll.authenticatorApp.begin(p);
    const code = totpCode(s.manual.secret.replace(/ /g, ''), P, new Date(t.clock.ms + 30_000));
    expect(t.station.enroll.authenticatorApp.complete(s.enrollmentId, code).kind).toBe(
      'authenticatorApp',
    );
  });

  it('five wrong codes end the enrollment; nothing stored', async () => {
    const p = addPerson(t.station);
    const s = await t.station.enroll.authenticatorApp.begin(p);
    for (let i = 0; i < 4; i++) {
      expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, 'abc')).toThrow(
        expect.objectContaining({ code: 'code.invalid' }),
      );
    }
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, '000000')).toThrow(
      expect.objectContaining({ code: 'code.tooManyAttempts' }),
    );
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, '000000')).toThrow(
      expect.objectContaining({ code: 'enrollment.notFound' }),
    );
    expect(t.station.methods.list(p)).toHaveLength(0);
  });

  it('an enrollment left for more than ten minutes expires', async () => {
    const p = addPerson(t.station);
    const s = await t.station.enroll.authenticatorApp.begin(p);
    t.clock.advance(11 * 60_000);
    const code = totpCode(s.manual.secret.replace(/ /g, ''), P, t.clock.now());
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, code)).toThrow(
      expect.objectContaining({ code: 'enrollment.expired' }),
    );
  });

  it('a kiosk person cannot finish someone else’s enrollment', async () => {
    const a = addPerson(t.station);
    const b = t.station.people.create({ upn: 'b@example.org', displayName: 'B' });
    const s = await t.station.enroll.authenticatorApp.begin(a);
    t.station.session.setPerson(b.id, b.upn);
    expect(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, '123456')).toThrow(
      expect.objectContaining({ code: 'enrollment.notFound' }),
    );
    await expect(t.station.enroll.authenticatorApp.begin(a)).rejects.toMatchObject({
      code: 'session.forbidden',
    });
  });
});

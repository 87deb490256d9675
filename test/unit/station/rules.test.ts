import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_POLICY } from '../../../main/station/policy';
import { MAX_TOTP_METHODS } from '../../../main/station/types';
import { addPerson, insertMethod, makeStation, type TestStation } from './helpers';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';
import { RegistryTampering } from '../../../main/db/tampering';

describe('rules on methods (DESIGN.md §1)', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
  });
  afterEach(() => t.close());

  describe('at most five authenticator apps or hardware tokens, counted together (DESIGN.md §1)', () => {
    it('the sixth app gets method.limitReached with the limit', async () => {
      const p = addPerson(t.station);
      for (let i = 0; i < 3; i++) insertMethod(t.station, p, 'authenticatorApp');
      for (let i = 0; i < 2; i++) insertMethod(t.station, p, 'hardwareToken');
      expect(t.station.methods.totpCount(p)).toBe(5);
      await expect(t.station.enroll.authenticatorApp.begin(p)).rejects.toMatchObject({
        code: 'method.limitReached',
        params: { limit: MAX_TOTP_METHODS },
      });
      expect(() => insertMethod(t.station, p, 'hardwareToken')).toThrow(
        expect.objectContaining({ code: 'method.limitReached' }),
      );
      expect(t.station.methods.registrationStatus(p).offerable).not.toContain('authenticatorApp');
      expect(t.station.methods.registrationStatus(p).offerable).not.toContain('hardwareToken');
    });

    it('other kinds do not count, and deleting one frees a slot', async () => {
      const p = addPerson(t.station);
      for (let i = 0; i < 5; i++) insertMethod(t.station, p, 'authenticatorApp');
      insertMethod(t.station, p, 'securityKey');
      insertMethod(t.station, p, 'phoneSms');
      const app = t.station.methods.list(p).find((m) => m.kind === 'authenticatorApp');
      t.station.methods.remove(p, app!.id);
      const start = await t.station.enroll.authenticatorApp.begin(p);
      expect(start.enrollmentId).toBeTruthy();
    });

    it('the limit is re-checked inside the storing transaction (a begun enrollment cannot exceed it)', async () => {
      const p = addPerson(t.station);
      for (let i = 0; i < 4; i++) insertMethod(t.station, p, 'authenticatorApp');
      const start = await t.station.enroll.authenticatorApp.begin(p);
      insertMethod(t.station, p, 'hardwareToken');
      const { totpCode } = await import('../../../main/station/methods/totp');
      const code = totpCode(
        start.manual.secret.replace(/ /g, ''),
        { period: 30, digits: 6, algorithm: 'SHA1' },
        t.clock.now(),
      );
      expect(() => t.station.enroll.authenticatorApp.complete(start.enrollmentId, code)).toThrow(
        expect.objectContaining({ code: 'method.limitReached' }),
      );
      expect(t.station.methods.totpCount(p)).toBe(5);
    });
  });

  describe('one default among MFA-capable methods', () => {
    it('the first MFA-capable method becomes the default; email/questions never do', () => {
      const p = addPerson(t.station);
      insertMethod(t.station, p, 'email');
      insertMethod(t.station, p, 'securityQuestions');
      expect(t.station.methods.defaultMethod(p)).toBeNull();
      const sms = insertMethod(t.station, p, 'phoneSms');
      expect(t.station.methods.defaultMethod(p)?.id).toBe(sms);
      insertMethod(t.station, p, 'securityKey');
      expect(t.station.methods.defaultMethod(p)?.id).toBe(sms);
      expect(t.station.methods.list(p).filter((m) => m.isDefault)).toHaveLength(1);
    });

    it('the default can be changed, only to MFA-capable methods', () => {
      const p = addPerson(t.station);
      insertMethod(t.station, p, 'phoneSms');
      const key = insertMethod(t.station, p, 'securityKey');
      const email = insertMethod(t.station, p, 'email');
      const q = insertMethod(t.station, p, 'securityQuestions');
      t.station.methods.setDefault(p, key);
      expect(t.station.methods.defaultMethod(p)?.id).toBe(key);
      expect(() => t.station.methods.setDefault(p, email)).toThrow(
        expect.objectContaining({ code: 'method.cannotBeDefault' }),
      );
      expect(() => t.station.methods.setDefault(p, q)).toThrow(
        expect.objectContaining({ code: 'method.cannotBeDefault' }),
      );
      expect(
        t.station.methods
          .defaultCandidates(p)
          .map((m) => m.kind)
          .sort(),
      ).toEqual(['phoneSms', 'securityKey']);
      expect(
        t.station.audit.list({ personId: p }).some((e) => e.action === 'method.defaultChanged'),
      ).toBe(true);
    });

    it('the registry itself refuses a second default or a default email', () => {
      const p = addPerson(t.station);
      insertMethod(t.station, p, 'phoneSms');
      const sms2 = insertMethod(t.station, p, 'phoneCall');
      const email = insertMethod(t.station, p, 'email');
      const registry = new RegistryTampering(stationContext(t.station).db);
      expect(() => registry.markDefault(sms2)).toThrow(/UNIQUE/);
      registry.clearDefaults(p);
      expect(() => registry.markDefault(email)).toThrow(/CHECK/);
    });

    it('deleting the default promotes: security key, app, token, SMS, call', () => {
      const p = addPerson(t.station);
      // Registered weakest first so creation order can't explain the result.
      const call = insertMethod(t.station, p, 'phoneCall');
      const sms = insertMethod(t.station, p, 'phoneSms');
      insertMethod(t.station, p, 'email');
      const token = insertMethod(t.station, p, 'hardwareToken');
      const app = insertMethod(t.station, p, 'authenticatorApp');
      const key = insertMethod(t.station, p, 'securityKey');
      expect(t.station.methods.defaultMethod(p)?.id).toBe(call);
      const order: number[] = [];
      let current = call;
      for (;;) {
        const { newDefault } = t.station.methods.remove(p, current);
        if (!newDefault) break;
        order.push(newDefault.id);
        current = newDefault.id;
      }
      expect(order).toEqual([key, app, token, sms]);
      // Only email left: no default, since email can never be default.
      expect(t.station.methods.list(p).map((m) => m.kind)).toEqual(['email']);
      expect(t.station.methods.defaultMethod(p)).toBeNull();
    });

    it('deleting a non-default method leaves the default alone', () => {
      const p = addPerson(t.station);
      const sms = insertMethod(t.station, p, 'phoneSms');
      const key = insertMethod(t.station, p, 'securityKey');
      expect(t.station.methods.remove(p, key).newDefault).toBeNull();
      expect(t.station.methods.defaultMethod(p)?.id).toBe(sms);
    });
  });

  describe('delete is permanent and audited', () => {
    it('the method is gone, the audit says who/what, and the chain verifies', () => {
      const p = addPerson(t.station);
      const app = insertMethod(t.station, p, 'authenticatorApp');
      t.station.methods.remove(p, app);
      expect(t.station.methods.list(p)).toHaveLength(0);
      expect(new RegistryInspection(stationContext(t.station).db).method(app)).toBeUndefined();
      const entry = t.station.audit
        .list({ personId: p })
        .find((e) => e.action === 'method.deleted');
      expect(entry?.details).toMatchObject({
        methodId: app,
        kind: 'authenticatorApp',
        wasDefault: true,
      });
      expect(entry?.actor.kind).toBe('system');
      expect(() => t.station.methods.remove(p, app)).toThrow(
        expect.objectContaining({ code: 'method.notFound' }),
      );
      expect(t.station.audit.verify().ok).toBe(true);
    });

    it("a method can't be deleted through another person's id", () => {
      const a = addPerson(t.station);
      const b = addPerson(t.station);
      const m = insertMethod(t.station, a, 'phoneSms');
      expect(() => t.station.methods.remove(b, m)).toThrow(
        expect.objectContaining({ code: 'method.notFound' }),
      );
      expect(t.station.methods.list(a)).toHaveLength(1);
    });
  });

  describe('methods the organization does not allow', () => {
    it('are refused and never offered', async () => {
      t.station.policy.update({
        ...DEMO_POLICY,
        allowedMethods: ['securityKey', 'authenticatorApp', 'email'],
        registration: { requiredCount: 2, requiredKinds: ['securityKey'] },
      });
      const p = addPerson(t.station);
      await expect(
        t.station.enroll.phone.begin(p, {
          kind: 'phoneSms',
          number: '+46701234567',
          delivery: 'gateway',
        }),
      ).rejects.toMatchObject({ code: 'method.notAllowed', params: { kind: 'phoneSms' } });
      expect(() => t.station.enroll.securityQuestions.register(p, [])).toThrow(
        expect.objectContaining({ code: 'method.notAllowed' }),
      );
      expect(t.station.methods.registrationStatus(p).offerable).toEqual([
        'securityKey',
        'authenticatorApp',
        'email',
      ]);
      expect(t.gateway.sent).toHaveLength(0);
    });
  });

  describe('registration completeness (what the wizard still needs)', () => {
    it('"a security key and one more": steps, then complete', () => {
      const p = addPerson(t.station);
      let s = t.station.methods.registrationStatus(p);
      expect(s.complete).toBe(false);
      expect(s.missingRequiredKinds).toEqual(['securityKey']);
      expect(s.additionalNeeded).toBe(1);
      expect(s.nextSteps).toEqual(['securityKey', 'authenticatorApp']);
      insertMethod(t.station, p, 'email');
      s = t.station.methods.registrationStatus(p);
      expect(s.additionalNeeded).toBe(0);
      expect(s.nextSteps).toEqual(['securityKey']);
      insertMethod(t.station, p, 'securityKey');
      s = t.station.methods.registrationStatus(p);
      expect(s.complete).toBe(true);
      expect(s.nextSteps).toEqual([]);
    });

    it('two SSPR-only methods do not complete registration: an MFA method is needed', () => {
      t.station.policy.update({
        ...DEMO_POLICY,
        registration: { requiredCount: 2, requiredKinds: [] },
      });
      const p = addPerson(t.station);
      insertMethod(t.station, p, 'email');
      insertMethod(t.station, p, 'securityQuestions');
      const s = t.station.methods.registrationStatus(p);
      expect(s.needsMfaMethod).toBe(true);
      expect(s.complete).toBe(false);
      expect(s.nextSteps).toEqual(['securityKey']);
      insertMethod(t.station, p, 'phoneSms');
      expect(t.station.methods.registrationStatus(p).complete).toBe(true);
    });

    it('methods the policy no longer allows do not count', () => {
      const p = addPerson(t.station);
      insertMethod(t.station, p, 'securityKey');
      insertMethod(t.station, p, 'phoneCall');
      expect(t.station.methods.registrationStatus(p).complete).toBe(true);
      t.station.policy.update({
        ...DEMO_POLICY,
        allowedMethods: ['securityKey', 'authenticatorApp'],
      });
      const s = t.station.methods.registrationStatus(p);
      expect(s.complete).toBe(false);
      expect(s.registeredKinds).toEqual(['securityKey']);
    });
  });

  describe('password reset readiness with the DESIGN.md §2.1 error cases', () => {
    it('password managed elsewhere → sspr.passwordNotManaged', () => {
      const p = t.station.people.create({
        upn: 'ext@example.org',
        displayName: 'Ext',
        passwordManagedExternally: true,
      });
      insertMethod(t.station, p.id, 'phoneSms');
      expect(t.station.methods.ssprReadiness(p.id)).toMatchObject({
        ready: false,
        reason: 'sspr.passwordNotManaged',
      });
    });
    it('account not enabled → sspr.notEnabled (person or organization)', () => {
      const p = t.station.people.create({
        upn: 'off@example.org',
        displayName: 'Off',
        ssprEnabled: false,
      });
      insertMethod(t.station, p.id, 'phoneSms');
      expect(t.station.methods.ssprReadiness(p.id)).toMatchObject({
        ready: false,
        reason: 'sspr.notEnabled',
      });
      const q = addPerson(t.station);
      insertMethod(t.station, q, 'phoneSms');
      expect(t.station.methods.ssprReadiness(q).ready).toBe(true);
      t.station.policy.update({ ...DEMO_POLICY, sspr: { enabled: false, requiredMethods: 1 } });
      expect(t.station.methods.ssprReadiness(q)).toMatchObject({
        ready: false,
        reason: 'sspr.notEnabled',
      });
    });
    it('not registered → sspr.notRegistered until the required number of methods', () => {
      t.station.policy.update({ ...DEMO_POLICY, sspr: { enabled: true, requiredMethods: 2 } });
      const p = addPerson(t.station);
      expect(t.station.methods.ssprReadiness(p)).toMatchObject({
        ready: false,
        reason: 'sspr.notRegistered',
        registered: 0,
        required: 2,
      });
      insertMethod(t.station, p, 'email');
      expect(t.station.methods.ssprReadiness(p).reason).toBe('sspr.notRegistered');
      insertMethod(t.station, p, 'securityQuestions');
      expect(t.station.methods.ssprReadiness(p)).toEqual({
        ready: true,
        registered: 2,
        required: 2,
      });
    });
  });

  describe('display', () => {
    it('phone numbers and emails are masked unless revealed', () => {
      const p = addPerson(t.station);
      insertMethod(t.station, p, 'phoneSms', '+46701234567');
      insertMethod(t.station, p, 'email', 'anna.alt@example.com');
      const masked = t.station.methods.list(p);
      expect(masked[0].detail).toBe('+46 •••••••67');
      expect(masked[1].detail).toBe('an••••••@example.com');
      expect(masked.map((m) => m.detail).join()).not.toContain('1234');
      const open = t.station.methods.list(p, { reveal: true });
      expect(open.map((m) => m.detail)).toEqual(['+46701234567', 'anna.alt@example.com']);
    });
  });
});

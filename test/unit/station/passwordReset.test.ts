/**
 * Password reset and returning sign-in at the station (docs/DESIGN.md §2.1, §3.9): the three
 * refusals, unknown IDs answered like unregistered ones, verification with app codes (replay
 * refused), sent codes and questions, administrators needing two methods, every rate limit and
 * lockout, and "Kontakta en administratör".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { totpCode } from '../../../main/station/methods/totp';
import { RESET_LIMITS } from '../../../main/station/passwordReset';
import type { Station } from '../../../main/station/index';
import { addPerson, insertMethod, makeStation, type TestStation } from './helpers';

let t: TestStation;
let s: Station;

beforeEach(() => {
  t = makeStation();
  s = t.station;
});
afterEach(() => t.close());

async function withApp(personId: number): Promise<string> {
  const begin = await s.enroll.authenticatorApp.begin(personId);
  const secret = begin.manual.secret.replace(/ /g, '');
  s.enroll.authenticatorApp.complete(begin.enrollmentId, totpCode(secret, P, t.clock.now()));
  t.clock.advance(30_000);
  return secret;
}
const P = { period: 30, digits: 6, algorithm: 'SHA1' } as const;

function upnOf(id: number): string {
  return s.people.get(id).upn;
}

function auditActions(): string[] {
  return [...s.audit.all()].map((e) => e.action);
}

describe('who may reset: the three refusals', () => {
  it('password managed elsewhere, not enabled, not registered — and unknown IDs like unregistered', () => {
    const managed = s.people.create({
      upn: 'managed@example.org',
      displayName: 'M',
      passwordManagedExternally: true,
    });
    const off = s.people.create({ upn: 'off@example.org', displayName: 'O', ssprEnabled: false });
    const bare = addPerson(s);
    expect(s.passwordReset.start(managed.upn).outcome).toBe('passwordNotManaged');
    expect(s.passwordReset.start(off.upn).outcome).toBe('notEnabled');
    const unregistered = s.passwordReset.start(upnOf(bare));
    const unknown = s.passwordReset.start('nobody@example.org');
    expect(unregistered.outcome).toBe('notRegistered');
    expect(unknown.outcome).toBe('notRegistered');
    // Nothing in the answer tells them apart.
    const strip = (v: typeof unknown) => ({ ...v, resetId: '', expiresAt: '' });
    expect(strip(unknown)).toEqual(strip(unregistered));
    expect(unknown.methods).toEqual([]);
  });

  it('ready but the station has no provider link: the reset needs the connection', async () => {
    const id = addPerson(s);
    await withApp(id);
    expect(s.passwordReset.start(upnOf(id)).outcome).toBe('offline');
  });

  it('a known and an unknown ID take the same time to answer', () => {
    const id = addPerson(s);
    const upn = upnOf(id);
    const time = (u: string) => {
      const t0 = process.hrtime.bigint();
      s.passwordReset.start(u);
      return Number(process.hrtime.bigint() - t0);
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 9; i++) {
      known.push(time(upn));
      unknown.push(time(`nobody${i}@example.org`));
      t.clock.advance(2 * 60_000); // stay under the per-ID lookup limit
    }
    const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const ratio = median(known) / median(unknown);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});

/** A station whose person is linked to a provider (the link itself is tested with the provider). */
function linked(personId: number): void {
  const idp = s.idp as unknown as { linkedProviderId: (id: number) => string | null };
  const original = idp.linkedProviderId.bind(s.idp);
  idp.linkedProviderId = (id) => (id === personId ? 'provider-id' : original(id));
}

describe('verification', () => {
  it('an app code verifies once; the same code again is refused; two wrong codes then the right one', async () => {
    const id = addPerson(s);
    const secret = await withApp(id);
    insertMethod(s, id, 'phoneSms');
    linked(id);
    const r = s.passwordReset.start(upnOf(id));
    expect(r.outcome).toBe('verify');
    expect(r.required).toBe(1);
    const app = r.methods.find((m) => m.kind === 'authenticatorApp')!;
    expect(() => s.passwordReset.verifyCode(r.resetId, app.methodId, '000000')).toThrow(
      expect.objectContaining({ code: 'code.invalid' }),
    );
    expect(() => s.passwordReset.verifyCode(r.resetId, app.methodId, '111111')).toThrow(
      expect.objectContaining({ code: 'code.invalid' }),
    );
    const v = s.passwordReset.verifyCode(
      r.resetId,
      app.methodId,
      totpCode(secret, P, t.clock.now()),
    );
    expect(v.complete).toBe(true);
    // The same code in a new reset: replay refused.
    const again = s.passwordReset.start(upnOf(id));
    expect(() =>
      s.passwordReset.verifyCode(again.resetId, app.methodId, totpCode(secret, P, t.clock.now())),
    ).toThrow(expect.objectContaining({ code: 'code.alreadyUsed' }));
    expect(auditActions()).toEqual(
      expect.arrayContaining(['reset.started', 'reset.verifyFailed', 'reset.verified']),
    );
  });

  it('a code by SMS: sent through the gateway, checked, single use; sends are limited', async () => {
    const id = addPerson(s);
    insertMethod(s, id, 'phoneSms');
    insertMethod(s, id, 'email');
    linked(id);
    const r = s.passwordReset.start(upnOf(id));
    const sms = r.methods.find((m) => m.kind === 'phoneSms')!;
    expect(sms.detail).not.toContain('701234567');
    await s.passwordReset.sendCode(r.resetId, sms.methodId);
    expect(t.gateway.sent.at(-1)?.to).toBe('+46701234567');
    const v = s.passwordReset.verifyCode(r.resetId, sms.methodId, t.gateway.lastCode());
    expect(v.complete).toBe(true);
    // The code limits of the phone flow apply: three codes per person in 15 minutes.
    await s.passwordReset.sendCode(s.passwordReset.start(upnOf(id)).resetId, sms.methodId);
    await s.passwordReset.sendCode(s.passwordReset.start(upnOf(id)).resetId, sms.methodId);
    await expect(
      s.passwordReset.sendCode(s.passwordReset.start(upnOf(id)).resetId, sms.methodId),
    ).rejects.toMatchObject({ code: 'code.rateLimited' });
  });

  it('security questions: the asked questions, checked against the stored hashes', async () => {
    const id = addPerson(s);
    const bank = s.enroll.securityQuestions.bank();
    const chosen = bank.questions.slice(0, bank.required);
    s.enroll.securityQuestions.register(
      id,
      chosen.map((q, i) => ({ questionId: q.id, answer: `Svar nummer ${i}` })),
    );
    insertMethod(s, id, 'email');
    linked(id);
    const r = s.passwordReset.start(upnOf(id));
    expect(r.questionIds).toHaveLength(bank.required);
    const answer = (wrong: boolean) =>
      r.questionIds.map((q) => ({
        questionId: q,
        answer: wrong ? 'fel svar' : `  svar NUMMER ${chosen.findIndex((c) => c.id === q)} `,
      }));
    await expect(s.passwordReset.verifyQuestions(r.resetId, answer(true))).rejects.toThrow(
      expect.objectContaining({ code: 'reset.notVerified' }),
    );
    expect((await s.passwordReset.verifyQuestions(r.resetId, answer(false))).complete).toBe(true);
  });

  it('an administrator always needs two different methods, whatever the policy', async () => {
    const id = addPerson(s);
    const secret = await withApp(id);
    insertMethod(s, id, 'phoneSms');
    linked(id);
    s.passwordReset.setAdministrator(id, true);
    const r = s.passwordReset.start(upnOf(id));
    expect(r.required).toBe(2);
    const app = r.methods.find((m) => m.kind === 'authenticatorApp')!;
    const v = s.passwordReset.verifyCode(
      r.resetId,
      app.methodId,
      totpCode(secret, P, t.clock.now()),
    );
    expect(v.complete).toBe(false);
    await expect(s.passwordReset.setPassword(r.resetId, 'Kx9!fjord-Blue')).rejects.toMatchObject({
      code: 'reset.notVerified',
    });
    // The same kind twice does not count as two.
    expect(() => s.passwordReset.verifyCode(r.resetId, app.methodId, '123456')).toThrow(
      expect.objectContaining({ code: 'reset.methodUnavailable' }),
    );
  });
});

describe('rate limits and lockouts', () => {
  const limit = (scope: string, kind: string) =>
    RESET_LIMITS.find((l) => l.scope === scope && l.kind === kind)!;

  it('per user ID: lookups, then a wait; the window moves with the clock', () => {
    const { max } = limit('user', 'lookup');
    for (let i = 0; i < max; i++) s.passwordReset.start('someone@example.org');
    expect(() => s.passwordReset.start('SOMEONE@example.org')).toThrow(
      expect.objectContaining({ code: 'reset.rateLimited' }),
    );
    // Another ID is not affected.
    expect(s.passwordReset.start('other@example.org').outcome).toBe('notRegistered');
    t.clock.advance(limit('user', 'lookup').windowMs);
    expect(s.passwordReset.start('someone@example.org').outcome).toBe('notRegistered');
  });

  it('per station: lookups of many IDs', () => {
    const { max } = limit('station', 'lookup');
    for (let i = 0; i < max; i++) s.passwordReset.start(`p${i}@example.org`);
    expect(() => s.passwordReset.start('fresh@example.org')).toThrow(
      expect.objectContaining({ code: 'reset.rateLimited' }),
    );
  });

  it('per user ID: failed verifications lock the ID (a right code no longer helps), then time frees it', async () => {
    const id = addPerson(s);
    const secret = await withApp(id);
    linked(id);
    const { max, windowMs } = limit('user', 'failure');
    const r = s.passwordReset.start(upnOf(id));
    const app = r.methods[0];
    let last: unknown;
    for (let i = 0; i < max; i++) {
      try {
        s.passwordReset.verifyCode(r.resetId, app.methodId, '000000');
      } catch (e) {
        last = e;
      }
    }
    expect(last).toMatchObject({ code: 'reset.locked' });
    expect(() =>
      s.passwordReset.verifyCode(r.resetId, app.methodId, totpCode(secret, P, t.clock.now())),
    ).toThrow(expect.objectContaining({ code: 'reset.locked' }));
    expect(() => s.passwordReset.start(upnOf(id))).toThrow(
      expect.objectContaining({ code: 'reset.locked' }),
    );
    expect(auditActions()).toContain('reset.locked');
    t.clock.advance(windowMs);
    expect(s.passwordReset.start(upnOf(id)).outcome).toBe('verify');
  });

  it('per station: failures across many IDs lock the station for everyone', async () => {
    const { max } = limit('station', 'failure');
    let n = 0;
    let locked = false;
    while (!locked && n < max + 5) {
      const id = addPerson(s);
      insertMethod(s, id, 'email');
      const bank = s.enroll.securityQuestions.bank();
      s.enroll.securityQuestions.register(
        id,
        bank.questions.slice(0, bank.required).map((q, i) => ({
          questionId: q.id,
          answer: `svar ${i}`,
        })),
      );
      linked(id);
      const r = s.passwordReset.start(upnOf(id));
      for (let k = 0; k < 3 && !locked; k++) {
        try {
          await s.passwordReset.verifyQuestions(
            r.resetId,
            r.questionIds.map((q) => ({ questionId: q, answer: 'fel fel' })),
          );
        } catch (e) {
          if ((e as { code?: string }).code === 'reset.locked') locked = true;
          n++;
        }
      }
    }
    expect(locked).toBe(true);
    expect(n).toBe(max);
    expect(() => s.passwordReset.start('anyone@example.org')).toThrow(
      expect.objectContaining({ code: 'reset.locked' }),
    );
  });
});

describe('Kontakta en administratör', () => {
  it('leaves a request for the operators (who, when, station, what failed) and mails the help desk', async () => {
    s.settings.set('station.name', 'Reception 2');
    s.policy.update({
      ...s.policy.get(),
      sspr: { ...s.policy.get().sspr, helpdeskEmail: 'helpdesk@example.org' },
    });
    const off = s.people.create({ upn: 'off@example.org', displayName: 'O', ssprEnabled: false });
    const r = s.passwordReset.start(off.upn);
    expect(await s.passwordReset.contactAdmin(r.resetId)).toEqual({ sent: true });
    const [req] = s.passwordReset.requests();
    expect(req).toMatchObject({
      upn: 'off@example.org',
      personId: off.id,
      stationName: 'Reception 2',
      reason: 'notEnabled',
      createdAt: t.clock.now().toISOString(),
      emailed: true,
    });
    expect(t.gateway.sent.at(-1)).toMatchObject({ channel: 'email', to: 'helpdesk@example.org' });
    expect(s.passwordReset.handleRequest(req.id)).toEqual([]);
    expect(s.passwordReset.requests({ openOnly: false })).toHaveLength(1);
  });

  it('a kiosk person cannot read the requests', () => {
    const id = addPerson(s);
    s.session.setPerson(id, upnOf(id));
    expect(() => s.passwordReset.requests()).toThrow(
      expect.objectContaining({ code: 'session.operatorRequired' }),
    );
  });
});

describe('returning people sign in with their methods', () => {
  it('a security key alone is enough by default; with two factors required it is not', async () => {
    const id = addPerson(s);
    await withApp(id);
    insertMethod(s, id, 'securityKey');
    const r = s.passwordReset.start(upnOf(id), 'signIn');
    expect(r.required).toBe(1);
    s.policy.update({ ...s.policy.get(), signIn: { returning: 'twoFactors' } });
    const two = s.passwordReset.start(upnOf(id), 'signIn');
    expect(two.required).toBe(2);
    expect(() => s.passwordReset.signIn(two.resetId)).toThrow(
      expect.objectContaining({ code: 'signIn.notEnough' }),
    );
    // Email and questions never sign anyone in.
    insertMethod(s, id, 'email');
    expect(s.passwordReset.start(upnOf(id), 'signIn').methods.map((m) => m.kind)).not.toContain(
      'email',
    );
  });

  it('an app code and an SMS code sign the person in under the two-factor policy', async () => {
    s.policy.update({ ...s.policy.get(), signIn: { returning: 'twoFactors' } });
    const id = addPerson(s);
    const secret = await withApp(id);
    insertMethod(s, id, 'phoneSms');
    const r = s.passwordReset.start(upnOf(id), 'signIn');
    const app = r.methods.find((m) => m.kind === 'authenticatorApp')!;
    const sms = r.methods.find((m) => m.kind === 'phoneSms')!;
    s.passwordReset.verifyCode(r.resetId, app.methodId, totpCode(secret, P, t.clock.now()));
    await s.passwordReset.sendCode(r.resetId, sms.methodId);
    expect(s.passwordReset.verifyCode(r.resetId, sms.methodId, t.gateway.lastCode()).complete).toBe(
      true,
    );
    expect(s.passwordReset.signIn(r.resetId).id).toBe(id);
    expect(s.session.actor).toMatchObject({ kind: 'person', id: String(id) });
  });
});

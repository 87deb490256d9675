/**
 * The `enrollment` contract entries (authenticator app, phone, email, questions, OATH tokens)
 * through the real station host: dispatcher, authorisation guard and handlers over a station
 * in a temp dir. A demo host before its first run is open; staff-only answers are checked with
 * an operator signed in and with a kiosk person at a production station.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../../main/station';
import { harness, HARNESS_OPERATOR, type Harness } from './security-key-harness';

let demo: Harness;

/** The id of the first demo person whose name starts so. */
function personId(h: Harness, nameStart: string): string {
  const p = h.station.people.search(nameStart, { limit: 1 })[0];
  if (!p) throw new Error(`no demo person ${nameStart}`);
  return String(p.id);
}

beforeAll(async () => {
  demo = await harness('demo', { dirPrefix: 'ks-enrollment-' });
});

afterAll(async () => {
  await demo.close();
});

describe('enrollment contract: authenticator app', () => {
  it('shows a crisp SVG QR code and the grouped secret; the TOTP from that secret activates', async () => {
    const setup = await demo.call<{
      enrollmentId: string;
      qrImage: string;
      manual: {
        secret: string;
        account: string;
        digits: number;
        period: number;
        algorithm: string;
      };
    }>('enrollment.appBegin', { personId: personId(demo, 'Lars') });
    expect(setup.qrImage.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const svg = Buffer.from(setup.qrImage.split(',')[1], 'base64').toString('utf8');
    expect(svg).toContain('<svg');
    expect(setup.manual.secret).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    expect(setup.manual.account).toBe('lars.nilsson@demo.keystation.local');
    const totp = new TOTP({
      secret: Secret.fromBase32(setup.manual.secret.replace(/ /g, '')),
      digits: setup.manual.digits,
      period: setup.manual.period,
      algorithm: setup.manual.algorithm,
    });
    const right = totp.generate();
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    expect(
      await demo.fail('enrollment.appComplete', { enrollmentId: setup.enrollmentId, code: wrong }),
    ).toMatchObject({ code: 'code.invalid', params: { attemptsLeft: 4 } });
    const method = await demo.call<{ kind: string }>('enrollment.appComplete', {
      enrollmentId: setup.enrollmentId,
      code: right,
    });
    expect(method.kind).toBe('authenticatorApp');
    // The stored method never carries the secret back.
    expect(JSON.stringify(method)).not.toContain(setup.manual.secret.replace(/ /g, ''));
  });

  it('the sixth app or token is refused with the limit', async () => {
    const id = personId(demo, 'Sara');
    const totpCount = () => demo.station.methods.totpCount(Number(id));
    while (totpCount() < 5) {
      const s = await demo.call<{ enrollmentId: string; manual: { secret: string } }>(
        'enrollment.appBegin',
        { personId: id },
      );
      const t = new TOTP({ secret: Secret.fromBase32(s.manual.secret.replace(/ /g, '')) });
      await demo.call('enrollment.appComplete', {
        enrollmentId: s.enrollmentId,
        code: t.generate(),
      });
    }
    expect(await demo.fail('enrollment.appBegin', { personId: id })).toMatchObject({
      code: 'method.limitReached',
      params: { limit: 5 },
    });
  });
});

describe('enrollment contract: phone and email', () => {
  type Message = { channel: string; destination: string; text: string } | null;

  it('removes an extension, sends the code to the outbox, and the demo view shows it', async () => {
    const started = await demo.call<{ enrollmentId: string }>('enrollment.phoneBegin', {
      personId: personId(demo, 'María'),
      kind: 'phoneCall',
      number: '+1 4255551234x12345',
      delivery: 'gateway',
    });
    expect(started).toMatchObject({
      e164: '+14255551234',
      display: '+1 425 555 1234',
      extensionRemoved: '12345',
      delivery: 'gateway',
    });
    const message = await demo.call<Message>('enrollment.demoMessage', {
      enrollmentId: started.enrollmentId,
    });
    expect(message?.channel).toBe('call');
    expect(message?.destination).toBe('+14255551234');
    const code = /(\d(?: \d){5})/.exec(message?.text ?? '')?.[1].replace(/ /g, '');
    expect(code).toMatch(/^\d{6}$/);
    const method = await demo.call<{ kind: string }>('enrollment.phoneComplete', {
      enrollmentId: started.enrollmentId,
      code: code ?? '',
    });
    expect(method.kind).toBe('phoneCall');
    // Finished: the demo view forgets the enrollment.
    expect(
      await demo.call('enrollment.demoMessage', { enrollmentId: started.enrollmentId }),
    ).toBeNull();
  });

  it('refuses a bad number and an SMS to a number that cannot take texts', async () => {
    const id = personId(demo, 'Lars');
    const begin = { personId: id, kind: 'phoneSms', country: 'SE', delivery: 'gateway' };
    expect((await demo.fail('enrollment.phoneBegin', { ...begin, number: '12345' })).code).toBe(
      'phone.invalid',
    );
    // A Stockholm landline.
    expect(
      (await demo.fail('enrollment.phoneBegin', { ...begin, number: '08-123 456 78' })).code,
    ).toBe('phone.notMobile');
  });

  it('email: code by the outbox; confirming in person needs a signed-in operator', async () => {
    const id = personId(demo, 'Lars');
    const started = await demo.call<{ enrollmentId: string; address: string }>(
      'enrollment.emailBegin',
      { personId: id, address: 'Lars.Private@Example.ORG', delivery: 'gateway' },
    );
    expect(started.address).toBe('Lars.Private@example.org');
    const text =
      (
        await demo.call<Message>('enrollment.demoMessage', {
          enrollmentId: started.enrollmentId,
        })
      )?.text ?? '';
    const code = /\b(\d{6})\b/.exec(text)?.[1] ?? '';
    expect(
      (
        await demo.fail('enrollment.emailConfirmInPerson', {
          enrollmentId: started.enrollmentId,
        })
      ).code,
    ).toBe('session.operatorRequired');
    expect(await demo.call('enrollment.contactOptions', {})).toEqual({
      gateway: 'outbox',
      canConfirmInPerson: false,
      demo: true,
      canReadOutbox: true,
      canAskStaff: false,
    });
    const method = await demo.call<{ kind: string }>('enrollment.emailComplete', {
      enrollmentId: started.enrollmentId,
      code,
    });
    expect(method.kind).toBe('email');
  });

  it('a signed-in operator confirms a number in person (no code sent)', async () => {
    const op = await harness('demo', { dirPrefix: 'ks-enrollment-op-' });
    try {
      await op.call('operator.signInWithPassword', {
        username: DEMO_OPERATOR.username,
        password: DEMO_OPERATOR.password,
      });
      expect(
        (await op.call<{ canConfirmInPerson: boolean }>('enrollment.contactOptions', {}))
          .canConfirmInPerson,
      ).toBe(true);
      const outboxBefore = op.station.outbox.list().length;
      const started = await op.call<{ enrollmentId: string; delivery: string }>(
        'enrollment.phoneBegin',
        {
          personId: personId(op, 'Lars'),
          kind: 'phoneSms',
          number: '0701112233',
          country: 'SE',
          delivery: 'inPerson',
        },
      );
      expect(started.delivery).toBe('inPerson');
      expect(op.station.outbox.list().length).toBe(outboxBefore);
      const method = await op.call<{ kind: string }>('enrollment.phoneConfirmInPerson', {
        enrollmentId: started.enrollmentId,
      });
      expect(method.kind).toBe('phoneSms');
      // A code can't complete an in-person enrollment.
      expect(
        (
          await op.fail('enrollment.phoneComplete', {
            enrollmentId: started.enrollmentId,
            code: '000000',
          })
        ).code,
      ).toBe('enrollment.notFound');
    } finally {
      await op.close();
    }
  });

  it('a production station shows the outbox message only to a signed-in operator', async () => {
    const prod = await harness('production', { dirPrefix: 'ks-enrollment-prod-' });
    try {
      type Options = { demo: boolean; canReadOutbox: boolean };
      // The operator at the desk may read the message of the enrollment in front of them.
      const options = await prod.call<Options>('enrollment.contactOptions', {});
      expect(options.demo).toBe(false);
      expect(options.canReadOutbox).toBe(true);
      const eva = await prod.call<{ id: string; upn: string }>('roster.create', {
        upn: 'eva@example.org',
        displayName: 'Eva',
        department: '',
        email: '',
        mobile: '',
      });
      const started = await prod.call<{ enrollmentId: string }>('enrollment.emailBegin', {
        personId: eva.id,
        address: 'eva.home@example.net',
        delivery: 'gateway',
      });
      const message = await prod.call<Message>('enrollment.demoMessage', {
        enrollmentId: started.enrollmentId,
      });
      expect(message?.destination).toBe('eva.home@example.net');
      expect(message?.text).toMatch(/\d{6}/);

      // The person themselves, at the kiosk, does not: the code would be theirs for the taking.
      const pass = await prod.call<{ pass: string }>('passes.issue', {
        personId: eva.id,
        lifetimeMinutes: 60,
        oneTime: false,
      });
      await prod.call('kiosk.start', {});
      await prod.call('kiosk.signIn', { upn: eva.upn, pass: pass.pass });
      expect(
        (await prod.fail('enrollment.demoMessage', { enrollmentId: started.enrollmentId })).code,
      ).toBe('session.forbidden');
      expect(await prod.call<Options>('enrollment.contactOptions', {})).toMatchObject({
        demo: false,
        canReadOutbox: false,
      });
      await prod.call('kiosk.finish', { reason: 'done' });
      // Nobody at the station: the guard refuses before any handler.
      expect((await prod.fail('enrollment.contactOptions', {})).code).toBe(
        'session.signInRequired',
      );
      await prod.call('kiosk.unlockWithPassword', HARNESS_OPERATOR);
      expect((await prod.call<Options>('enrollment.contactOptions', {})).canReadOutbox).toBe(true);
    } finally {
      await prod.close();
    }
  });
});

describe('enrollment contract: questions and tokens', () => {
  it('offers the active bank and never returns answers', async () => {
    const bank = await demo.call<{
      required: number;
      answerMin: number;
      answerMax: number;
      questions: { id: string }[];
    }>('enrollment.questionBank', {});
    expect(bank.required).toBe(3);
    expect(bank.answerMin).toBe(3);
    expect(bank.answerMax).toBe(40);
    expect(bank.questions.length).toBeGreaterThanOrEqual(3);
    const answers = bank.questions
      .slice(0, 3)
      .map((q, i) => ({ questionId: q.id, answer: `Hemligt svar ${i}` }));
    const method = await demo.call<{ kind: string }>('enrollment.questionsRegister', {
      personId: personId(demo, 'Lars'),
      answers,
    });
    expect(method.kind).toBe('securityQuestions');
    expect(JSON.stringify(method).toLowerCase()).not.toContain('hemligt');
  });

  it('a kind the policy does not allow is refused (and not offered)', async () => {
    const strict = await harness('demo', { dirPrefix: 'ks-enrollment-strict-' });
    try {
      const policy = strict.station.policy.get();
      strict.station.policy.update({
        ...policy,
        allowedMethods: policy.allowedMethods.filter(
          (k) => k !== 'authenticatorApp' && k !== 'phoneCall',
        ),
      });
      const lars = personId(strict, 'Lars');
      expect(await strict.fail('enrollment.appBegin', { personId: lars })).toMatchObject({
        code: 'method.notAllowed',
        params: { kind: 'authenticatorApp' },
      });
      expect(
        (
          await strict.fail('enrollment.phoneBegin', {
            personId: lars,
            kind: 'phoneCall',
            number: '0701112233',
            country: 'SE',
            delivery: 'gateway',
          })
        ).code,
      ).toBe('method.notAllowed');
      const offerable = strict.station.methods.registrationStatus(Number(lars)).offerable;
      expect(offerable).not.toContain('authenticatorApp');
      expect(offerable).not.toContain('phoneCall');
      expect(offerable).toContain('phoneSms');
    } finally {
      await strict.close();
    }
  });

  it('lists the person’s imported tokens without secrets', async () => {
    const maria = personId(demo, 'María');
    expect(await demo.call('enrollment.tokensAvailable', { personId: maria })).toEqual([
      { serial: 'DEMO-0002', manufacturer: 'Demo Tokens', model: 'OTP-6 Mini' },
    ]);
    expect(
      (
        await demo.fail('enrollment.tokenActivate', {
          personId: maria,
          serial: 'DEMO-0001',
          code: '123456',
        })
      ).code,
    ).toBe('oath.tokenAssignedToOther');
  });
});

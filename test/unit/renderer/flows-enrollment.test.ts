/**
 * The method flows' pieces without a browser: the `enrollment` contract entries (schemas and
 * main/api handlers over a real demo station in a temp dir) and the renderer's pure helpers
 * (answer checks, error wording, country list).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentHandlers } from '../../../main/api/enrollment';
import type { CallContext } from '../../../main/api/dispatch';
import { DEMO_OPERATOR, openStation, type Station } from '../../../main/station';
import { contract } from '../../../preload/contract';
import { flowErrorMessage, cleanCode } from '../../../renderer/src/components/FlowParts';
import { countryOptions } from '../../../renderer/src/flows/phone/countries';
import {
  answerLength,
  checkAnswers,
} from '../../../renderer/src/flows/securityQuestions/SecurityQuestionsFlow';
import type { I18n } from '../../../renderer/src/i18n/I18nProvider';
import { errorMessage, translateDynamic } from '../../../renderer/src/i18n/translate';

const ctx: CallContext = { host: 'browser', emit: () => {} };
let dir: string;
let station: Station;
let production: Station;
let api: ReturnType<typeof enrollmentHandlers>;

function personId(upnStart: string): string {
  const p = station.people.search(upnStart, { limit: 1 })[0];
  if (!p) throw new Error(`no demo person ${upnStart}`);
  return String(p.id);
}

/** What a flow gets back when main refuses: StationError's code and params. */
async function refusal(run: () => unknown): Promise<{ code: string; params: unknown }> {
  try {
    await run();
  } catch (e) {
    const err = e as { code: string; params: unknown };
    return { code: err.code, params: err.params };
  }
  throw new Error('expected a refusal');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-flows-'));
  station = openStation({ dataDir: join(dir, 'demo'), demo: true });
  production = openStation({ dataDir: join(dir, 'prod') });
  api = enrollmentHandlers(station, { gateway: 'outbox' });
});

afterAll(() => {
  station.close();
  production.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('enrollment contract: authenticator app', () => {
  it('shows a crisp SVG QR code and the grouped secret; the TOTP from that secret activates', async () => {
    const setup = await api.appBegin({ personId: personId('Lars') }, ctx);
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
      await refusal(() => api.appComplete({ enrollmentId: setup.enrollmentId, code: wrong }, ctx)),
    ).toEqual({ code: 'code.invalid', params: { attemptsLeft: 4 } });
    const method = await api.appComplete({ enrollmentId: setup.enrollmentId, code: right }, ctx);
    expect(method.kind).toBe('authenticatorApp');
    // The stored method never carries the secret back.
    expect(JSON.stringify(method)).not.toContain(setup.manual.secret.replace(/ /g, ''));
  });

  it('the sixth app or token is refused with the limit', async () => {
    const id = personId('Sara');
    const totpCount = () => station.methods.totpCount(Number(id));
    while (totpCount() < 5) {
      const s = await api.appBegin({ personId: id }, ctx);
      const t = new TOTP({ secret: Secret.fromBase32(s.manual.secret.replace(/ /g, '')) });
      await api.appComplete({ enrollmentId: s.enrollmentId, code: t.generate() }, ctx);
    }
    expect(await refusal(() => api.appBegin({ personId: id }, ctx))).toEqual({
      code: 'method.limitReached',
      params: { limit: 5 },
    });
  });
});

describe('enrollment contract: phone and email', () => {
  it('removes an extension, sends the code to the outbox, and the demo view shows it', async () => {
    const started = await api.phoneBegin(
      {
        personId: personId('María'),
        kind: 'phoneCall',
        number: '+1 4255551234x12345',
        delivery: 'gateway',
      },
      ctx,
    );
    expect(started).toMatchObject({
      e164: '+14255551234',
      display: '+1 425 555 1234',
      extensionRemoved: '12345',
      delivery: 'gateway',
    });
    const message = await api.demoMessage({ enrollmentId: started.enrollmentId }, ctx);
    expect(message?.channel).toBe('call');
    expect(message?.destination).toBe('+14255551234');
    const code = /(\d(?: \d){5})/.exec(message?.text ?? '')?.[1].replace(/ /g, '');
    expect(code).toMatch(/^\d{6}$/);
    const method = await api.phoneComplete(
      { enrollmentId: started.enrollmentId, code: code ?? '' },
      ctx,
    );
    expect(method.kind).toBe('phoneCall');
    // Finished: the demo view forgets the enrollment.
    expect(await api.demoMessage({ enrollmentId: started.enrollmentId }, ctx)).toBeNull();
  });

  it('refuses a bad number and an SMS to a number that cannot take texts', async () => {
    const id = personId('Lars');
    expect(
      (
        await refusal(() =>
          api.phoneBegin(
            { personId: id, kind: 'phoneSms', number: '12345', country: 'SE', delivery: 'gateway' },
            ctx,
          ),
        )
      ).code,
    ).toBe('phone.invalid');
    expect(
      (
        await refusal(() =>
          api.phoneBegin(
            // A Stockholm landline.
            {
              personId: id,
              kind: 'phoneSms',
              number: '08-123 456 78',
              country: 'SE',
              delivery: 'gateway',
            },
            ctx,
          ),
        )
      ).code,
    ).toBe('phone.notMobile');
  });

  it('email: code by the outbox; confirming in person needs a signed-in operator', async () => {
    const id = personId('Lars');
    const started = await api.emailBegin(
      { personId: id, address: 'Lars.Private@Example.ORG', delivery: 'gateway' },
      ctx,
    );
    expect(started.address).toBe('Lars.Private@example.org');
    const text = (await api.demoMessage({ enrollmentId: started.enrollmentId }, ctx))?.text ?? '';
    const code = /\b(\d{6})\b/.exec(text)?.[1] ?? '';
    expect(
      (await refusal(() => api.emailConfirmInPerson({ enrollmentId: started.enrollmentId }, ctx)))
        .code,
    ).toBe('session.operatorRequired');
    expect(await api.contactOptions({}, ctx)).toEqual({
      gateway: 'outbox',
      canConfirmInPerson: false,
      demo: true,
      canReadOutbox: true,
      canAskStaff: false,
    });
    const method = await api.emailComplete({ enrollmentId: started.enrollmentId, code }, ctx);
    expect(method.kind).toBe('email');
  });

  it('a signed-in operator confirms a number in person (no code sent)', async () => {
    const op = openStation({ dataDir: join(dir, 'operator'), demo: true });
    try {
      const opApi = enrollmentHandlers(op, { gateway: 'outbox' });
      await op.auth.signInOperator(DEMO_OPERATOR.username, DEMO_OPERATOR.password);
      expect((await opApi.contactOptions({}, ctx)).canConfirmInPerson).toBe(true);
      const lars = String(op.people.search('Lars', { limit: 1 })[0].id);
      const outboxBefore = op.outbox.list().length;
      const started = await opApi.phoneBegin(
        {
          personId: lars,
          kind: 'phoneSms',
          number: '0701112233',
          country: 'SE',
          delivery: 'inPerson',
        },
        ctx,
      );
      expect(started.delivery).toBe('inPerson');
      expect(op.outbox.list().length).toBe(outboxBefore);
      const method = await opApi.phoneConfirmInPerson({ enrollmentId: started.enrollmentId }, ctx);
      expect(method.kind).toBe('phoneSms');
      // A code can't complete an in-person enrollment.
      expect(
        (
          await refusal(() =>
            opApi.phoneComplete({ enrollmentId: started.enrollmentId, code: '000000' }, ctx),
          )
        ).code,
      ).toBe('enrollment.notFound');
    } finally {
      op.close();
    }
  });

  it('a production station shows the outbox message only to a signed-in operator', async () => {
    const prodApi = enrollmentHandlers(production, { gateway: 'outbox' });
    expect((await refusal(() => prodApi.demoMessage({ enrollmentId: 'x' }, ctx))).code).toBe(
      'session.forbidden',
    );
    expect((await prodApi.contactOptions({}, ctx)).demo).toBe(false);
    expect((await prodApi.contactOptions({}, ctx)).canReadOutbox).toBe(false);
    // A signed-in operator at the desk may read the message of the enrollment in front of them.
    production.operators.create({
      username: 'desk.one',
      displayName: 'Desk One',
      password: 'correct horse battery',
    });
    await production.auth.signInOperator('desk.one', 'correct horse battery');
    try {
      expect((await prodApi.contactOptions({}, ctx)).canReadOutbox).toBe(true);
      const person = production.people.create({
        upn: 'eva@example.org',
        displayName: 'Eva',
      });
      const started = await prodApi.emailBegin(
        { personId: String(person.id), address: 'eva.home@example.net', delivery: 'gateway' },
        ctx,
      );
      const message = await prodApi.demoMessage({ enrollmentId: started.enrollmentId }, ctx);
      expect(message?.destination).toBe('eva.home@example.net');
      expect(message?.text).toMatch(/\d{6}/);
    } finally {
      production.auth.signOut();
    }
  });
});

describe('enrollment contract: questions and tokens', () => {
  it('offers the active bank and never returns answers', async () => {
    const bank = await api.questionBank({}, ctx);
    expect(bank.required).toBe(3);
    expect(bank.answerMin).toBe(3);
    expect(bank.answerMax).toBe(40);
    expect(bank.questions.length).toBeGreaterThanOrEqual(3);
    const answers = bank.questions
      .slice(0, 3)
      .map((q, i) => ({ questionId: q.id, answer: `Hemligt svar ${i}` }));
    const method = await api.questionsRegister({ personId: personId('Lars'), answers }, ctx);
    expect(method.kind).toBe('securityQuestions');
    expect(JSON.stringify(method).toLowerCase()).not.toContain('hemligt');
  });

  it('a kind the policy does not allow is refused (and not offered)', async () => {
    const strict = openStation({ dataDir: join(dir, 'strict'), demo: true });
    try {
      const policy = strict.policy.get();
      strict.policy.update({
        ...policy,
        allowedMethods: policy.allowedMethods.filter(
          (k) => k !== 'authenticatorApp' && k !== 'phoneCall',
        ),
      });
      const strictApi = enrollmentHandlers(strict, { gateway: 'outbox' });
      const lars = String(strict.people.search('Lars', { limit: 1 })[0].id);
      expect(await refusal(() => strictApi.appBegin({ personId: lars }, ctx))).toEqual({
        code: 'method.notAllowed',
        params: { kind: 'authenticatorApp' },
      });
      expect(
        (
          await refusal(() =>
            strictApi.phoneBegin(
              {
                personId: lars,
                kind: 'phoneCall',
                number: '0701112233',
                country: 'SE',
                delivery: 'gateway',
              },
              ctx,
            ),
          )
        ).code,
      ).toBe('method.notAllowed');
      const offerable = strict.methods.registrationStatus(Number(lars)).offerable;
      expect(offerable).not.toContain('authenticatorApp');
      expect(offerable).not.toContain('phoneCall');
      expect(offerable).toContain('phoneSms');
    } finally {
      strict.close();
    }
  });

  it('lists the person’s imported tokens without secrets', async () => {
    const tokens = await api.tokensAvailable({ personId: personId('María') }, ctx);
    expect(tokens).toEqual([
      { serial: 'DEMO-0002', manufacturer: 'Demo Tokens', model: 'OTP-6 Mini' },
    ]);
    expect(
      (
        await refusal(() =>
          api.tokenActivate(
            { personId: personId('María'), serial: 'DEMO-0001', code: '123456' },
            ctx,
          ),
        )
      ).code,
    ).toBe('oath.tokenAssignedToOther');
  });

  it('schemas refuse odd shapes before any handler runs', () => {
    const e = contract.enrollment;
    expect(
      e.phoneBegin.args.safeParse({
        personId: '1',
        kind: 'phoneSms',
        number: '070',
        country: 'se',
        delivery: 'gateway',
      }).success,
    ).toBe(false);
    expect(
      e.phoneBegin.args.safeParse({
        personId: '1',
        kind: 'email',
        number: '070',
        delivery: 'gateway',
      }).success,
    ).toBe(false);
    expect(e.appComplete.args.safeParse({ enrollmentId: 'x', code: '1'.repeat(33) }).success).toBe(
      false,
    );
    expect(e.appBegin.args.safeParse({ personId: '1', extra: true }).success).toBe(false);
    expect(
      e.questionsRegister.args.safeParse({
        personId: '1',
        answers: Array.from({ length: 21 }, () => ({ questionId: 'q', answer: 'abc' })),
      }).success,
    ).toBe(false);
  });
});

describe('renderer helpers', () => {
  const bank = { answerMin: 3, answerMax: 40 };
  it('checks answers like main does: count, duplicates, normalized duplicates', () => {
    expect(answerLength('  Stora   Torget ')).toBe('Stora Torget'.length);
    expect(checkAnswers([{ questionId: 'a', answer: 'abc' }], bank)).toBeNull();
    expect(checkAnswers([{ questionId: '', answer: 'abc' }], bank)?.code).toBe('questionMissing');
    expect(
      checkAnswers(
        [
          { questionId: 'a', answer: 'abc' },
          { questionId: 'a', answer: 'def' },
        ],
        bank,
      )?.code,
    ).toBe('questions.duplicateQuestion');
    expect(checkAnswers([{ questionId: 'a', answer: ' ab ' }], bank)?.code).toBe(
      'questions.answerLength',
    );
    expect(checkAnswers([{ questionId: 'a', answer: 'x'.repeat(41) }], bank)?.code).toBe(
      'questions.answerLength',
    );
    expect(
      checkAnswers(
        [
          { questionId: 'a', answer: 'Kalle  Katt' },
          { questionId: 'b', answer: 'kalle katt' },
        ],
        bank,
      )?.code,
    ).toBe('questions.duplicateAnswer');
  });

  function i18nFor(language: 'sv' | 'en'): I18n {
    return {
      language,
      chosen: language,
      setLanguage: () => {},
      t: () => '',
      tDynamic: (key, fallback, params) => translateDynamic(language, key, params) ?? fallback,
      error: (e) => errorMessage(language, e),
      formatDate: () => '',
      formatDateTime: () => '',
      formatNumber: String,
    };
  }

  it('words errors with the next step, plurals from attemptsLeft, a generic fallback', () => {
    const sv = i18nFor('sv');
    const en = i18nFor('en');
    expect(
      flowErrorMessage(en, { kind: 'station', code: 'code.invalid', params: { attemptsLeft: 1 } }),
    ).toContain('1 try left');
    expect(
      flowErrorMessage(en, { kind: 'station', code: 'code.invalid', params: { attemptsLeft: 3 } }),
    ).toContain('3 tries left');
    const limit = flowErrorMessage(sv, {
      kind: 'station',
      code: 'method.limitReached',
      params: { limit: 5 },
    });
    expect(limit).toContain('5 autentiseringsappar');
    expect(limit).toContain('administratör');
    expect(flowErrorMessage(en, { kind: 'station', code: 'no.such.code' })).toBe(
      errorMessage('en', { kind: 'station', code: 'no.such.code' }),
    );
  });

  it('country picker: Sweden first, names in the UI language; codes typed with spaces', () => {
    expect(countryOptions('sv')[0]).toEqual({ code: 'SE', label: 'Sverige (+46)' });
    expect(countryOptions('en')[0]).toEqual({ code: 'SE', label: 'Sweden (+46)' });
    expect(countryOptions('en').find((c) => c.code === 'NO')?.label).toBe('Norway (+47)');
    expect(cleanCode(' 123 456 ')).toBe('123456');
  });
});

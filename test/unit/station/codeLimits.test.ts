/**
 * Codes by SMS, call or email are limited per person, per destination and station-wide, with
 * the wait in the error; calls and texts go only to personal numbers (no premium-rate,
 * shared-cost, toll-free, UAN or personal-number services: toll fraud once a gateway is live).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODE_LIMITS, type CodeLimit } from '../../../main/station/methods/verificationCodes';
import { addPerson, makeStation, type TestStation } from './helpers';

const MIN = 60_000;

async function refusal(p: Promise<unknown>): Promise<{ code: string; params: object } | null> {
  try {
    await p;
    return null;
  } catch (e) {
    const err = e as { code?: string; params?: object };
    return { code: err.code ?? String(e), params: err.params ?? {} };
  }
}

describe('code request limits', () => {
  let t: TestStation;
  beforeEach(() => {
    t = makeStation();
  });
  afterEach(() => t.close());

  const sms = (person: number, number: string) =>
    t.station.enroll.phone.begin(person, { kind: 'phoneSms', number, delivery: 'gateway' });
  const email = (person: number, address: string) =>
    t.station.enroll.email.begin(person, { address, delivery: 'gateway' });

  it('3 per 15 minutes per person, even when each is cancelled; the wait is in the error', async () => {
    const p = addPerson(t.station);
    for (let i = 0; i < 3; i += 1) {
      const s = await sms(p, `+4670123456${i}`);
      t.station.enroll.phone.cancel(s.enrollmentId);
      t.clock.advance(MIN);
    }
    expect(await refusal(sms(p, '+46701234569'))).toEqual({
      code: 'code.rateLimited',
      params: { minutes: 12 },
    });
    // Email counts against the same person.
    expect((await refusal(email(p, 'a@example.com')))?.code).toBe('code.rateLimited');
    expect(t.gateway.sent).toHaveLength(3);
    t.clock.advance(11 * MIN);
    expect(await refusal(sms(p, '+46701234569'))).toEqual({
      code: 'code.rateLimited',
      params: { minutes: 1 },
    });
    t.clock.advance(MIN);
    expect(await refusal(sms(p, '+46701234569'))).toBeNull();
  });

  it('10 per day per person', async () => {
    const p = addPerson(t.station);
    for (let i = 0; i < 10; i += 1) {
      const s = await sms(p, `+4670123450${i}`);
      t.station.enroll.phone.cancel(s.enrollmentId);
      t.clock.advance(16 * MIN);
    }
    const r = await refusal(sms(p, '+46701234599'));
    expect(r?.code).toBe('code.rateLimited');
    // The first of the ten leaves the 24 h window at 24 h after it: 24 h − 160 min from now.
    expect(r?.params).toEqual({ minutes: 24 * 60 - 160 });
  });

  it('3 per 15 minutes per destination, whoever asks', async () => {
    for (let i = 0; i < 3; i += 1) {
      await email(addPerson(t.station), 'shared@example.com');
    }
    expect((await refusal(email(addPerson(t.station), 'Shared@Example.com')))?.code).toBe(
      'code.rateLimited',
    );
    for (let i = 0; i < 3; i += 1) await sms(addPerson(t.station), '+46701112233');
    expect((await refusal(sms(addPerson(t.station), '+46 70-111 22 33')))?.code).toBe(
      'code.rateLimited',
    );
  });

  it('a station-wide rate', async () => {
    const station = CODE_LIMITS.find((l: CodeLimit) => l.scope === 'station');
    expect(station).toBeDefined();
    for (let i = 0; i < station!.max; i += 1) {
      await email(addPerson(t.station), `p${i}@example.com`);
    }
    expect((await refusal(email(addPerson(t.station), 'one.more@example.com')))?.code).toBe(
      'code.rateLimited',
    );
  });

  it('refuses non-personal numbers for calls and texts', async () => {
    const p = addPerson(t.station);
    const call = (number: string) =>
      t.station.enroll.phone.begin(p, { kind: 'phoneCall', number, delivery: 'gateway' });
    for (const number of [
      '+46939123456', // premium rate
      '+46771123456', // shared cost
      '+46200123456', // toll free
      '+46101234567', // UAN
      '+46751234567', // personal number (follow-me service)
      '+443001234567', // UAN
    ]) {
      expect((await refusal(call(number)))?.code, number).toBe('phone.notPersonal');
      expect((await refusal(sms(p, number)))?.code, number).toBe('phone.notMobile');
    }
    expect(t.gateway.sent).toHaveLength(0);
    // Fixed lines take calls, not texts; US numbers (fixed or mobile) both.
    expect((await refusal(sms(p, '+46812345678')))?.code).toBe('phone.notMobile');
    expect(await refusal(call('+46812345678'))).toBeNull();
  });
});

describe("the wait, in the person's language", () => {
  it('sv and en name the minutes', async () => {
    const { flowErrorMessage } = await import('../../../renderer/src/components/FlowParts');
    const { translate, translateDynamic, errorMessage } =
      await import('../../../renderer/src/i18n/translate');
    for (const [language, word] of [
      ['sv', '12 minuter'],
      ['en', '12 minutes'],
    ] as const) {
      const i18n = {
        t: (k: string, p?: object) => translate(language, k as never, p as never),
        tDynamic: (k: string, fallback: string, p?: object) =>
          translateDynamic(language, k, p as never) ?? fallback,
        error: (e: never) => errorMessage(language, e),
      };
      const text = flowErrorMessage(
        i18n as never,
        {
          kind: 'station',
          code: 'code.rateLimited',
          params: { minutes: 12 },
        } as never,
      );
      expect(text).toContain(word);
    }
  });
});

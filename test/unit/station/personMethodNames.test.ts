/**
 * What a first-time person is offered and how their apps and tokens read (DESIGN.md §1, §3.1):
 * "Hardware token" only when one waits for them; each app or token may get the person's own
 * name (as a key does); unnamed ones of a kind are numbered so no two read the same.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { numberUnnamed } from '../../../main/station/personRecords';
import { toContractMethod } from '../../../main/api/convert';
import { totpCode } from '../../../main/station/methods/totp';
import { makeStation, type TestStation } from './helpers';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const HEADER = 'upn,serial number,secret key,time interval,manufacturer,model';

function errorCode(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('apps and tokens a person can tell apart', () => {
  let t: TestStation;
  let anna: number;
  beforeEach(() => {
    t = makeStation();
    anna = t.station.people.create({ upn: 'anna@example.org', displayName: 'Anna' }).id;
  });
  afterEach(() => t.close());

  async function addApp(name?: string) {
    const start = await t.station.enroll.authenticatorApp.begin(anna);
    const p = { period: start.manual.period, digits: start.manual.digits, algorithm: 'SHA1' };
    const code = totpCode(start.manual.secret.replace(/ /g, ''), p as never, t.clock.now());
    t.clock.advance(start.manual.period * 1000);
    return {
      start,
      code,
      complete: () => t.station.enroll.authenticatorApp.complete(start.enrollmentId, code, name),
    };
  }

  it('a hardware token is offered only while one waits for the person', () => {
    expect(t.station.methods.registrationStatus(anna).offerable).not.toContain('hardwareToken');
    t.station.oathTokens.importCsv(`${HEADER}\nanna@example.org,T-1,${SECRET},30,Contoso,OTP-6\n`);
    expect(t.station.methods.registrationStatus(anna).offerable).toContain('hardwareToken');
    const code = totpCode(SECRET, { period: 30, digits: 6, algorithm: 'SHA1' }, t.clock.now());
    const m = t.station.enroll.hardwareToken.activate(anna, 'T-1', code, '  Nyckelknippan ');
    expect(m.name).toBe('Nyckelknippan');
    expect(m.detail).toBe('T-1');
    // Activated: none waits any more.
    expect(t.station.methods.registrationStatus(anna).offerable).not.toContain('hardwareToken');
  });

  it("an app keeps the person's name; a bad name is refused and nothing is stored", async () => {
    const bad = await addApp('Jobb\u0007telefon');
    expect(errorCode(bad.complete)).toBe('method.nameInvalid');
    const tooLong = await addApp('x'.repeat(65));
    expect(errorCode(tooLong.complete)).toBe('method.nameInvalid');
    expect(t.station.methods.list(anna)).toHaveLength(0);
    const named = await addApp(' Jobbtelefonen ');
    expect(named.complete().name).toBe('Jobbtelefonen');
    const blank = await addApp('   ');
    expect(blank.complete().name).toBeUndefined();
    expect(t.station.methods.list(anna).map((m) => m.name ?? null)).toEqual([
      'Jobbtelefonen',
      null,
    ]);
  });

  it('unnamed apps of a kind are numbered by their place; a single one and named ones are not', async () => {
    await (await addApp()).complete();
    let list = numberUnnamed(t.station.methods.list(anna));
    expect(list.map((m) => m.number)).toEqual([undefined]);
    await (await addApp()).complete();
    await (await addApp('Surfplattan')).complete();
    list = numberUnnamed(t.station.methods.list(anna));
    expect(list.map((m) => [m.name ?? null, m.number ?? null])).toEqual([
      [null, 1],
      [null, 2],
      ['Surfplattan', null],
    ]);
    // The contract carries the number to the page.
    expect(toContractMethod(list[1]).number).toBe(2);
  });

  it('calls may go to an alternate and an office phone besides the mobile; texts to the mobile only', async () => {
    const call = (number: string, phoneType?: 'mobile' | 'alternateMobile' | 'office') =>
      t.station.enroll.phone.begin(anna, {
        kind: 'phoneCall',
        number,
        country: 'SE',
        delivery: 'gateway',
        phoneType,
      });
    const confirm = async (started: Promise<{ enrollmentId: string }>) => {
      const { enrollmentId } = await started;
      return t.station.enroll.phone.complete(enrollmentId, t.gateway.lastCode());
    };
    expect((await confirm(call('070-111 22 33'))).phoneType).toBeUndefined();
    expect(t.station.methods.registrationStatus(anna).offerable).toContain('phoneCall');
    const office = await confirm(call('08-123 456 78', 'office'));
    expect(office.phoneType).toBe('office');
    await expect(call('08-765 432 10', 'office')).rejects.toMatchObject({
      code: 'method.alreadyRegistered',
    });
    await expect(
      t.station.enroll.phone.begin(anna, {
        kind: 'phoneSms',
        number: '070-111 22 44',
        country: 'SE',
        delivery: 'gateway',
        phoneType: 'office',
      }),
    ).rejects.toMatchObject({ code: 'input.invalid' });
    await confirm(call('070-999 88 77', 'alternateMobile'));
    // All three phones have their call: no more calls offered.
    expect(t.station.methods.registrationStatus(anna).offerable).not.toContain('phoneCall');
    expect(t.station.methods.list(anna).map((m) => [m.kind, m.phoneType ?? 'mobile'])).toEqual([
      ['phoneCall', 'mobile'],
      ['phoneCall', 'office'],
      ['phoneCall', 'alternateMobile'],
    ]);
  });
});

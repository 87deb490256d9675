/**
 * A pending enrollment belongs to the session and person that began it: in a shared kiosk the
 * next person (or the same person in a later session) can neither cancel nor complete it by id.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { totpCode } from '../../../main/station/methods/totp';
import { addPerson, makeStation, type TestStation } from './helpers';

const P = { period: 30, digits: 6, algorithm: 'SHA1' } as const;

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('pending enrollments are bound to their session and person', () => {
  let t: TestStation;
  let anna: number;
  let bo: number;
  const passes: Record<number, string> = {};
  const upn: Record<number, string> = {};

  beforeEach(() => {
    t = makeStation();
    anna = addPerson(t.station, 'Anna Kiosk');
    bo = addPerson(t.station, 'Bo Kiosk');
    for (const id of [anna, bo]) {
      passes[id] = t.station.passes.issue(id, { oneTime: false }).pass;
      upn[id] = t.station.people.get(id).upn;
    }
  });
  afterEach(() => t.close());

  const signIn = async (id: number): Promise<void> => {
    t.station.auth.signOut();
    await t.station.auth.signInWithPass(upn[id], passes[id]);
  };

  it('another kiosk person can neither cancel nor complete an app enrollment by id', async () => {
    await signIn(anna);
    const s = await t.station.enroll.authenticatorApp.begin(anna);
    const secret = s.manual.secret.replace(/ /g, '');
    await signIn(bo);
    expect(codeOf(() => t.station.enroll.authenticatorApp.cancel(s.enrollmentId))).toBe(
      'enrollment.notFound',
    );
    const code = totpCode(secret, P, t.clock.now());
    expect(codeOf(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, code))).toBe(
      'enrollment.notFound',
    );
    // Anna, back in a new kiosk session, starts over: the old id is gone for her too.
    await signIn(anna);
    expect(codeOf(() => t.station.enroll.authenticatorApp.complete(s.enrollmentId, code))).toBe(
      'enrollment.notFound',
    );
    expect(t.station.methods.list(anna)).toEqual([]);
  });

  it('another kiosk person can neither cancel nor complete a phone enrollment by id', async () => {
    await signIn(anna);
    const s = await t.station.enroll.phone.begin(anna, {
      kind: 'phoneSms',
      number: '070-123 45 67',
      country: 'SE',
      delivery: 'gateway',
    });
    const code = t.gateway.lastCode();
    await signIn(bo);
    expect(codeOf(() => t.station.enroll.phone.cancel(s.enrollmentId))).toBe('enrollment.notFound');
    expect(codeOf(() => t.station.enroll.phone.complete(s.enrollmentId, code))).toBe(
      'enrollment.notFound',
    );
    await signIn(anna);
    expect(codeOf(() => t.station.enroll.phone.complete(s.enrollmentId, code))).toBe(
      'enrollment.notFound',
    );
    expect(t.station.methods.list(anna)).toEqual([]);
  });

  it('the person who began it, in the same session, still completes it', async () => {
    await signIn(anna);
    const s = await t.station.enroll.authenticatorApp.begin(anna);
    const code = totpCode(s.manual.secret.replace(/ /g, ''), P, t.clock.now());
    expect(t.station.enroll.authenticatorApp.complete(s.enrollmentId, code).kind).toBe(
      'authenticatorApp',
    );
  });
});

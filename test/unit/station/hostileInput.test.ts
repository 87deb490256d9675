import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationError } from '../../../main/station/errors';
import type { Station } from '../../../main/station/index';
import { makeStation, type TestStation } from './helpers';

/**
 * DESIGN.md §9: a person (or a compromised renderer) types anything. Every entry point answers
 * garbage with a StationError — never a TypeError, never a crash — and changes nothing.
 */
describe('hostile input to the station services', () => {
  let t: TestStation;
  let s: Station;
  let personId: number;
  beforeAll(() => {
    t = makeStation({ demo: true });
    s = t.station;
    personId = s.people.getByUpn('lars.nilsson@demo.keystation.local').id;
  });
  afterAll(() => t.close());

  const junk = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '"',
      "'; DROP TABLE people; --",
      'x'.repeat(10_000),
      '+46701234567x1',
      '{}',
    ),
  );

  async function onlyStationErrors(f: () => unknown): Promise<void> {
    try {
      await f();
    } catch (e) {
      if (!(e instanceof StationError)) throw e;
    }
  }

  const entryPoints: [string, (a: unknown, b: unknown) => unknown][] = [
    ['people.search', (a) => s.people.search(a as string)],
    ['people.create', (a, b) => s.people.create({ upn: a as string, displayName: b as string })],
    ['people.get', (a) => s.people.get(a as number)],
    ['people.getByUpn', (a) => s.people.getByUpn(a as string)],
    ['methods.list', (a) => s.methods.list(a as number)],
    ['methods.setDefault', (a, b) => s.methods.setDefault(personId, (a ?? b) as number)],
    ['methods.remove', (a) => s.methods.remove(a as number, a as number)],
    ['app.complete', (a, b) => s.enroll.authenticatorApp.complete(a as string, b as string)],
    [
      'token.activate',
      (a, b) => s.enroll.hardwareToken.activate(personId, a as string, b as string),
    ],
    [
      'phone.begin',
      (a, b) =>
        s.enroll.phone.begin(personId, {
          kind: 'phoneSms',
          number: a as string,
          country: b as string,
          delivery: 'gateway',
        }),
    ],
    ['phone.beginObject', (a) => s.enroll.phone.begin(personId, a as never)],
    ['phone.complete', (a, b) => s.enroll.phone.complete(a as string, b as string)],
    [
      'email.begin',
      (a) => s.enroll.email.begin(personId, { address: a as string, delivery: 'gateway' }),
    ],
    ['email.beginObject', (a) => s.enroll.email.begin(personId, a as never)],
    ['questions.register', (a) => s.enroll.securityQuestions.register(personId, a as never)],
    [
      'passes.issue',
      (a, b) => s.passes.issue(personId, { length: a as number, lifetimeMinutes: b as number }),
    ],
    ['auth.signInWithPass', (a, b) => s.auth.signInWithPass(a as string, b as string)],
    ['roster.preview', (a) => s.roster.preview(a as string)],
    ['oath.importCsv', (a) => s.oathTokens.importCsv(a as string, { dryRun: true })],
    ['policy.update', (a) => s.policy.update(a as never)],
  ];

  for (const [name, call] of entryPoints) {
    it(`${name}: only StationErrors`, async () => {
      await fc.assert(
        fc.asyncProperty(junk, junk, async (a, b) => {
          await onlyStationErrors(() => call(a, b));
          s.session.clear();
        }),
        { numRuns: 60 },
      );
    });
  }

  it('the registry is intact afterwards', () => {
    expect(s.checkIntegrity()).toBe(true);
    expect(s.audit.verify().ok).toBe(true);
    expect(s.methods.list(personId)).toHaveLength(0);
  });
});

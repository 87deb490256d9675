/**
 * Kiosk passes and security-question answers are checked with scrypt off the event loop
 * (docs/SECURITY-REVIEW.md "Operator password guessing"): while guesses are being hashed the
 * station keeps answering other calls, an unknown UPN costs the same scrypt work as a wrong pass,
 * the stored hashes are unchanged, and parallel wrong answers can't slip past the failure limit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import type { StationHost } from '../../../main/api/station-host';
import { MemorySettingsStore } from '../../../main/api/settings';
import { ManualClock } from '../../../main/station/clock';
import { DEMO_ACCESS_PASS } from '../../../main/station/demoSeed';
import { RESET_LIMITS } from '../../../main/station/passwordReset';
import { slowHash, slowHashMatchesAsync } from '../../../main/station/secrets';
import { channelOf, type Result } from '../../../preload/contract';
import { addPerson, makeStation, type TestStation } from '../../unit/station/helpers';

const OPERATOR = { username: 'desk.one', password: 'a-long-operator-password' };
const GUESSES = 20;

let dir: string | undefined;
let host: StationHost | undefined;
let t: TestStation | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  t?.close();
  t = undefined;
});

const codeOf = (r: Result<unknown>): string | null => (r.ok ? null : r.error.code);

/** A demo station in kiosk mode, driven through the real dispatcher as a browser would. */
async function kioskHost(): Promise<(entry: string, args: object) => Promise<Result<unknown>>> {
  dir = mkdtempSync(join(tmpdir(), 'ks-async-secrets-'));
  const opened = await openStationHost({
    clock: new ManualClock(Date.UTC(2026, 2, 2, 9)),
    dataDir: dir,
    demo: true,
    settings: new MemorySettingsStore({ stationMode: 'demo' }),
    host: 'browser',
    version: 'test',
  });
  host = opened;
  const call = (entry: string, args: object): Promise<Result<unknown>> => {
    const [d, n] = entry.split('.');
    return opened.dispatch(channelOf(d, n), args, {
      host: 'browser',
      client: 'browser:10.1.1.3',
      emit: () => {},
    });
  };
  const setUp = await call('operator.setup', {
    ...OPERATOR,
    displayName: 'Desk One',
    mode: 'demo',
    organizationName: 'Demo Organization',
    rpId: 'demo.keystation.local',
    rpName: 'Demo Organization',
    requiredCount: 2,
    requireSecurityKey: false,
    kioskIdleSeconds: 600,
  });
  expect(setUp.ok).toBe(true);
  expect((await call('kiosk.start', {})).ok).toBe(true);
  return call;
}

/** Resolves with how many of `pending` had settled when a timer set now fired. */
function settledWhenTimerFires(counter: { settled: number }): Promise<number> {
  return new Promise((resolve) => setTimeout(() => resolve(counter.settled), 0));
}

function counted<T>(promises: Promise<T>[], counter: { settled: number }): Promise<T[]> {
  return Promise.all(
    promises.map((p) =>
      p.finally(() => {
        counter.settled += 1;
      }),
    ),
  );
}

describe('kiosk passes are checked off the event loop', () => {
  it(`while ${GUESSES} wrong passes are being checked, a timer and another call are answered first`, async () => {
    const call = await kioskHost();
    const counter = { settled: 0 };
    // Set before the guesses: with scrypt on the event loop it could only fire after all of them.
    const timer = settledWhenTimerFires(counter);
    const guesses = counted(
      Array.from({ length: GUESSES }, (_, i) =>
        call('kiosk.signIn', {
          // Half a known person with a wrong pass, half unknown UPNs.
          upn: i % 2 === 0 ? DEMO_ACCESS_PASS.upn : `nobody.${i}@demo.keystation.local`,
          pass: `wrong-pass-${i}`,
        }),
      ),
      counter,
    );
    const status = call('operator.status', {}).then((r) => ({ r, settled: counter.settled }));

    expect(await timer, 'guesses settled when the timer fired').toBeLessThan(GUESSES);
    const answered = await status;
    expect(answered.r).toMatchObject({ ok: true, value: { kiosk: true } });
    expect(answered.settled, 'guesses settled when the status call was answered').toBeLessThan(
      GUESSES,
    );
    const results = await guesses;
    expect(results.map(codeOf)).toEqual(Array.from({ length: GUESSES }, () => 'pass.invalid'));

    // Nobody got in; the right pass still works.
    expect(await call('operator.status', {})).toMatchObject({
      ok: true,
      value: { role: 'nobody' },
    });
    const right = await call('kiosk.signIn', {
      upn: DEMO_ACCESS_PASS.upn,
      pass: DEMO_ACCESS_PASS.pass,
    });
    expect(right.ok).toBe(true);
  });

  it('an unknown UPN costs the same scrypt work as a known one with a wrong pass', async () => {
    const call = await kioskHost();
    const median = async (upn: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const start = performance.now();
        expect(codeOf(await call('kiosk.signIn', { upn, pass: `wrong-${i}` }))).toBe(
          'pass.invalid',
        );
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[3];
    };
    // Warm up (the stand-in hash is made once).
    await call('kiosk.signIn', { upn: 'warm@demo.keystation.local', pass: 'x' });
    const known = await median(DEMO_ACCESS_PASS.upn);
    const unknown = await median('nobody@demo.keystation.local');
    // Generous bounds for a loaded machine: both are one scrypt, neither is free.
    expect(unknown / known).toBeGreaterThan(0.33);
    expect(unknown / known).toBeLessThan(3);
  });
});

describe('security answers are checked off the event loop', () => {
  function personWithAnswers(): { upn: string; questionIds: string[] } {
    t = makeStation();
    const s = t.station;
    const id = addPerson(s);
    const bank = s.enroll.securityQuestions.bank();
    s.enroll.securityQuestions.register(
      id,
      bank.questions.slice(0, bank.required).map((q, i) => ({
        questionId: q.id,
        answer: `svar nummer ${i}`,
      })),
    );
    // The reset needs the person linked at the identity provider.
    const idp = s.idp as unknown as { linkedProviderId: (pid: number) => string | null };
    const original = idp.linkedProviderId.bind(s.idp);
    idp.linkedProviderId = (pid) => (pid === id ? 'provider-id' : original(pid));
    return { upn: s.people.get(id).upn, questionIds: bank.questions.map((q) => q.id) };
  }

  it('a timer set before a check fires before the answers are hashed; the right answers still verify', async () => {
    const { upn } = personWithAnswers();
    const s = (t as TestStation).station;
    const r = s.passwordReset.start(upn);
    const answers = r.questionIds.map((q) => ({ questionId: q, answer: 'fel svar' }));
    const counter = { settled: 0 };
    const timer = settledWhenTimerFires(counter);
    const check = counted([s.passwordReset.verifyQuestions(r.resetId, answers)], counter);
    expect(await timer).toBe(0);
    await expect(check).rejects.toMatchObject({ code: 'reset.notVerified' });

    const bank = s.enroll.securityQuestions.bank();
    const right = r.questionIds.map((q) => ({
      questionId: q,
      answer: `  SVAR nummer ${bank.questions.findIndex((b) => b.id === q)} `,
    }));
    expect((await s.passwordReset.verifyQuestions(r.resetId, right)).verifiedCount).toBe(1);
  });

  it('parallel wrong answers are checked one after another and stop at the failure limit', async () => {
    const { upn } = personWithAnswers();
    const s = (t as TestStation).station;
    const max = RESET_LIMITS.find((l) => l.scope === 'user' && l.kind === 'failure')?.max ?? 0;
    const r = s.passwordReset.start(upn);
    const wrong = r.questionIds.map((q) => ({ questionId: q, answer: 'fel svar' }));
    const results = await Promise.all(
      Array.from({ length: max + 5 }, () =>
        s.passwordReset.verifyQuestions(r.resetId, wrong).then(
          () => 'ok',
          (e: unknown) => (e as { code?: string }).code,
        ),
      ),
    );
    expect(results.slice(0, max - 1)).toEqual(
      Array.from({ length: max - 1 }, () => 'reset.notVerified'),
    );
    expect(results.slice(max - 1)).toEqual(Array.from({ length: 6 }, () => 'reset.locked'));
    const failures = [...s.audit.all()].filter((e) => e.action === 'reset.verifyFailed');
    expect(failures).toHaveLength(max);
  });

  it('an unknown question costs a hash too, and nothing matches it', async () => {
    const { upn } = personWithAnswers();
    const s = (t as TestStation).station;
    const id = (s.people.findByUpn(upn) as { id: number }).id;
    expect(
      await s.enroll.securityQuestions.verify(id, [{ questionId: 'q.noSuch', answer: 'svar' }]),
    ).toBe(false);
    expect(await s.enroll.securityQuestions.verify(id, [])).toBe(false);
  });
});

describe('the hashes are the same format as before', () => {
  it('a hash made by the synchronous slowHash verifies asynchronously, a wrong secret does not', async () => {
    const stored = slowHash('Stora torget');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await slowHashMatchesAsync('Stora torget', stored)).toBe(true);
    expect(await slowHashMatchesAsync('stora torget', stored)).toBe(false);
    expect(await slowHashMatchesAsync('Stora torget', 'garbage')).toBe(false);
  });
});

/**
 * Operator password guessing (docs/SECURITY-REVIEW.md): exponential backoff per account and per
 * client, also through the public kiosk unlock; a lockout that only an operator signed in with
 * a security key lifts; the password checked off the event loop. Time moves on the injected
 * clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import { ManualClock } from '../../../main/station/clock';
import { openStation } from '../../../main/station/index';
import { LOCKOUT_FAILURES, backoffSeconds } from '../../../main/station/signInThrottle';
import { createCredential, getCredential, openAuthenticator } from '../../../native/index';
import { VirtualKey } from '../../../native/virtual-key/index';
import { channelOf, type Result } from '../../../preload/contract';
import { makeStation, type TestStation } from '../../unit/station/helpers';

const PASSWORD = 'correct horse battery';
const code = (e: unknown): string | undefined => (e as { code?: string }).code;
const attempt = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => 'ok',
    (e: unknown) => code(e),
  );

let t: TestStation | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function stationWithDesk(): TestStation {
  t = makeStation({ mode: 'demo' });
  t.station.operators.create({
    username: 'desk',
    displayName: 'Desk',
    role: 'admin',
    password: PASSWORD,
  });
  return t;
}

describe('operator password guessing', () => {
  it('backs off exponentially per account: after 3 free failures 1 s, 2 s, 4 s …, and a waiting attempt is not even checked', async () => {
    const { station, clock } = stationWithDesk();
    for (let i = 0; i < 3; i++) {
      expect(await attempt(station.auth.signInOperator('desk', 'wrong', `c${i}`))).toBe(
        'operator.invalidCredentials',
      );
    }
    // From yet another client: the account waits 1 s — even the right password is refused.
    await expect(station.auth.signInOperator('desk', PASSWORD, 'other')).rejects.toMatchObject({
      code: 'operator.tooManyAttempts',
      params: { seconds: 1 },
    });
    clock.advance(1000);
    expect(await attempt(station.auth.signInOperator('desk', 'wrong', 'c3'))).toBe(
      'operator.invalidCredentials',
    );
    await expect(station.auth.signInOperator('desk', 'wrong', 'c4')).rejects.toMatchObject({
      params: { seconds: 2 },
    });
    clock.advance(2000);
    expect(await attempt(station.auth.signInOperator('desk', 'wrong', 'c5'))).toBe(
      'operator.invalidCredentials',
    );
    await expect(station.auth.signInOperator('desk', PASSWORD, 'c6')).rejects.toMatchObject({
      params: { seconds: 4 },
    });
    clock.advance(4000);
    // The right password after the wait signs in and clears the account's count.
    expect((await station.auth.signInOperator('desk', PASSWORD, 'c7')).username).toBe('desk');
    station.auth.signOut();
    expect(await attempt(station.auth.signInOperator('desk', 'wrong', 'c8'))).toBe(
      'operator.invalidCredentials',
    );
    expect([1, 2, 3, 4, 5, 6].map(backoffSeconds)).toEqual([0, 0, 1, 2, 4, 8]);
    expect(backoffSeconds(40)).toBe(15 * 60);
  });

  it('backs off per client too: many user names from one client slow down, another client does not', async () => {
    const { station } = stationWithDesk();
    for (const name of ['a.one', 'b.two', 'c.three']) {
      expect(await attempt(station.auth.signInOperator(name, 'guess', 'browser:10.0.0.9'))).toBe(
        'operator.invalidCredentials',
      );
    }
    await expect(
      station.auth.signInOperator('d.four', 'guess', 'browser:10.0.0.9'),
    ).rejects.toMatchObject({ code: 'operator.tooManyAttempts' });
    expect((await station.auth.signInOperator('desk', PASSWORD, 'browser:127.0.0.1')).id).toBe(
      station.operators.list()[0].id,
    );
  });

  it('parallel guesses from one client are not all checked at once', async () => {
    const { station } = stationWithDesk();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        attempt(station.auth.signInOperator(`name${i}`, 'guess', 'browser:10.0.0.7')),
      ),
    );
    expect(results.filter((r) => r === 'operator.invalidCredentials')).toHaveLength(1);
    expect(results.filter((r) => r === 'operator.tooManyAttempts')).toHaveLength(7);
  });

  it('checks the password off the event loop (async scrypt): other work runs meanwhile', async () => {
    const { station } = stationWithDesk();
    let otherWorkRan = false;
    const signIn = station.auth.signInOperator('desk', PASSWORD, 'c');
    setImmediate(() => {
      otherWorkRan = true;
    });
    const ranBeforeDone = await signIn.then(() => otherWorkRan);
    expect(ranBeforeDone).toBe(true);
  });

  it(`locks the password after ${LOCKOUT_FAILURES} wrong ones, across a restart; only an operator signed in with a security key lifts it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-lockout-'));
    const clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
    const key = new VirtualKey({ touch: 'auto' });
    const ctap = await openAuthenticator(key.connect());
    let station = openStation({ dataDir: dir, mode: 'demo', clock: () => new Date(clock.now()) });
    try {
      station.operators.create({ username: 'desk', displayName: 'Desk', password: PASSWORD });
      const boss = station.operators.create({
        username: 'boss',
        displayName: 'Boss',
        role: 'admin',
        password: 'another long password',
      });
      // The boss's own key.
      await ctap.clientPin.setPin('482915');
      const reg = station.operators.beginKeyRegistration(boss.id);
      const made = await createCredential(ctap, reg.options, { origin: reg.origin, pin: '482915' });
      await station.operators.completeKeyRegistration(reg.challengeId, made, 'Boss key');

      const seen: (string | undefined)[] = [];
      for (let i = 0; i < LOCKOUT_FAILURES; i++) {
        seen.push(await attempt(station.auth.signInOperator('desk', `wrong ${i}`, `c${i}`)));
        clock.advance(15 * 60_000);
      }
      expect(seen.slice(0, -1).every((c) => c === 'operator.invalidCredentials')).toBe(true);
      expect(seen.at(-1)).toBe('operator.locked');
      // Locked: the right password is refused, also after a restart.
      expect(await attempt(station.auth.signInOperator('desk', PASSWORD, 'x'))).toBe(
        'operator.locked',
      );
      station.close();
      station = openStation({ dataDir: dir, mode: 'demo', clock: () => new Date(clock.now()) });
      expect(await attempt(station.auth.signInOperator('desk', PASSWORD, 'x'))).toBe(
        'operator.locked',
      );
      expect(station.audit.list().map((e) => e.action)).toContain('operator.lockedOut');

      // An operator signed in with a password may not lift it …
      await station.auth.signInOperator('boss', 'another long password', 'x');
      expect(() => station.auth.liftLockout('desk')).toThrow(
        expect.objectContaining({ code: 'operator.keyRequired' }),
      );
      station.auth.signOut();
      // … one signed in with their security key may.
      const begin = station.auth.beginOperatorKeySignIn('boss');
      const assertion = await getCredential(ctap, begin.options, {
        origin: begin.origin,
        pin: '482915',
      });
      await station.auth.completeOperatorKeySignIn(begin.challengeId, assertion);
      station.auth.liftLockout('desk');
      station.auth.signOut();
      expect((await station.auth.signInOperator('desk', PASSWORD, 'x')).username).toBe('desk');
      expect(station.audit.verify().ok).toBe(true);
      expect(station.audit.list().map((e) => e.action)).toContain('operator.lockoutLifted');
    } finally {
      station.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the public kiosk unlock', () => {
  it('shares the backoff: guesses through the kiosk slow down like at the sign-in page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-kiosk-guess-'));
    const clock = new ManualClock(Date.UTC(2026, 2, 2, 9));
    const host = await openStationHost({
      clock,
      dataDir: dir,
      demo: false,
      settings: new MemorySettingsStore({ stationMode: 'production' }),
      host: 'browser',
      version: 'test',
    });
    const call = (entry: string, args: object, client = 'browser:10.1.1.1') => {
      const [d, n] = entry.split('.');
      return host.dispatch(channelOf(d, n), args, { host: 'browser', client, emit: () => {} });
    };
    const codeOf = (r: Result<unknown>): string | null => (r.ok ? null : r.error.code);
    try {
      const setUp = await call('operator.setup', {
        username: 'op.one',
        displayName: 'Op One',
        password: 'a-long-operator-password',
        mode: 'production',
        organizationName: 'Org',
        rpId: 'login.example.org',
        rpName: 'Org',
        requiredCount: 1,
        requireSecurityKey: false,
        kioskIdleSeconds: 60,
      });
      expect(setUp.ok).toBe(true);
      expect((await call('kiosk.start', {})).ok).toBe(true);
      const guesses: (string | null)[] = [];
      for (let i = 0; i < 4; i++) {
        guesses.push(
          codeOf(await call('kiosk.unlockWithPassword', { username: 'op.one', password: `g${i}` })),
        );
      }
      expect(guesses).toEqual([
        'operator.invalidCredentials',
        'operator.invalidCredentials',
        'operator.invalidCredentials',
        'operator.tooManyAttempts',
      ]);
      // Another name from the same kiosk waits too (per client).
      expect(
        codeOf(await call('kiosk.unlockWithPassword', { username: 'op.two', password: 'x' })),
      ).toBe('operator.tooManyAttempts');
      clock.advance(1000);
      const unlocked = await call('kiosk.unlockWithPassword', {
        username: 'op.one',
        password: 'a-long-operator-password',
      });
      expect(unlocked).toMatchObject({ ok: true, value: { kiosk: false, role: 'operator' } });
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

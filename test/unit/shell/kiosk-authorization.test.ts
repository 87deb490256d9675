/**
 * Contract authorisation per session role (main/api/authorization.ts) through the real
 * dispatcher and station: nobody / operator / kiosk person, deny by default, a person only
 * reaches their own record, and a forgotten or idle session reaches nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import {
  authorize,
  FIRST_RUN_ENTRIES,
  type AccessView,
  type SessionRole,
} from '../../../main/api/authorization';
import type { StationHost } from '../../../main/api/station-host';
import { MemorySettingsStore } from '../../../main/api/settings';
import { ManualClock } from '../../../main/station/clock';
import { channelOf, type Result } from '../../../preload/contract';

const PASSWORD = 'a-long-operator-password';

function view(
  role: SessionRole,
  kiosk = false,
  personId: string | null = null,
  lockedToFirstRun = false,
): AccessView {
  return {
    role: () => role,
    kiosk: () => kiosk,
    personId: () => personId,
    lockedToFirstRun: () => lockedToFirstRun,
  };
}

describe('authorize (pure)', () => {
  it('an open (not yet set up) demo station allows everything', () => {
    expect(authorize('roster', 'list', {}, view('open'))).toBeNull();
  });

  it('a production station before first run answers only the first-run page', () => {
    const locked = view('open', false, null, true);
    for (const entry of FIRST_RUN_ENTRIES) {
      const [d, n] = entry.split('.');
      expect(authorize(d, n, {}, locked), entry).toBeNull();
    }
    for (const [d, n] of [
      ['roster', 'list'],
      ['people', 'search'],
      ['virtualKey', 'list'],
      ['securityKey', 'devices'],
      ['operator', 'signInWithPassword'],
      ['kiosk', 'signIn'],
      ['somethingAddedLater', 'anything'],
    ]) {
      expect(authorize(d, n, {}, locked)?.code, `${d}.${n}`).toBe('session.firstRunRequired');
    }
  });

  it('nobody reaches only the public entries', () => {
    expect(authorize('station', 'info', {}, view('nobody'))).toBeNull();
    expect(authorize('operator', 'signInWithPassword', {}, view('nobody'))).toBeNull();
    expect(authorize('kiosk', 'signIn', {}, view('nobody', true))).toBeNull();
    for (const [d, n] of [
      ['roster', 'list'],
      ['securityInfo', 'get'],
      ['people', 'search'],
      ['audit', 'list'],
      ['passes', 'issue'],
      ['kiosk', 'start'],
      ['somethingAddedLater', 'anything'],
    ]) {
      expect(authorize(d, n, { personId: '1' }, view('nobody'))?.code, `${d}.${n}`).toBe(
        'session.signInRequired',
      );
    }
  });

  it('a kiosk person reaches their own record only, never the staff domains', () => {
    const me = view('person', true, '7');
    expect(authorize('securityInfo', 'get', { personId: '7' }, me)).toBeNull();
    expect(authorize('securityInfo', 'get', { personId: '8' }, me)?.code).toBe('session.forbidden');
    expect(authorize('securityKey', 'setPin', { enrollmentId: 'x' }, me)).toBeNull();
    expect(authorize('kiosk', 'stillHere', {}, me)).toBeNull();
    for (const d of ['roster', 'passes', 'policy', 'audit', 'people', 'operator']) {
      expect(authorize(d, 'list', {}, me)?.code, d).toBe('session.operatorRequired');
    }
    // A person session outside kiosk mode is stale: nothing.
    expect(
      authorize('securityInfo', 'get', { personId: '7' }, view('person', false, '7'))?.code,
    ).toBe('session.signInRequired');
  });

  it("identity provider: operator only, except the person's own provider methods", () => {
    const me = view('person', true, '7');
    for (const n of ['connection', 'saveConnection', 'testConnection', 'pull', 'sync', 'retry']) {
      expect(authorize('identityProvider', n, {}, me)?.code, n).toBe('session.operatorRequired');
    }
    for (const n of ['person', 'refreshPerson', 'deleteProviderMethod']) {
      expect(authorize('identityProvider', n, { personId: '7' }, me), n).toBeNull();
      expect(authorize('identityProvider', n, { personId: '8' }, me)?.code, n).toBe(
        'session.forbidden',
      );
      expect(authorize('identityProvider', n, { personId: '7' }, view('nobody'))?.code).toBe(
        'session.signInRequired',
      );
    }
    expect(authorize('identityProvider', 'pull', {}, view('operator'))).toBeNull();
  });

  it('an operator reaches everything outside kiosk mode', () => {
    expect(authorize('audit', 'list', {}, view('operator'))).toBeNull();
    expect(authorize('audit', 'list', {}, view('operator', true))?.code).toBe(
      'session.signInRequired',
    );
  });
});

describe('dispatch with authorisation (real station)', () => {
  let dir: string;
  let host: StationHost;
  let settings: MemorySettingsStore;
  let clock: ManualClock;
  const code = (r: Result<unknown>): string | null => (r.ok ? null : r.error.code);
  const call = (entry: string, args: object) => {
    const [d, n] = entry.split('.');
    return host.dispatch(channelOf(d, n), args, { host: 'browser', emit: () => {} });
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ks-authz-'));
    settings = new MemorySettingsStore({ stationMode: 'production' });
    clock = new ManualClock(Date.now());
    host = await openStationHost({
      clock,
      dataDir: dir,
      demo: false,
      settings,
      host: 'browser',
      version: 'test',
      kioskIdleSeconds: 2,
    });
  });

  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setUp() {
    const r = await call('operator.setup', {
      username: 'op.one',
      displayName: 'Op One',
      password: PASSWORD,
      mode: 'production',
      organizationName: 'Org',
      rpId: 'login.example.org',
      rpName: 'Org',
      requiredCount: 1,
      requireSecurityKey: false,
      kioskIdleSeconds: 60,
    });
    expect(r.ok).toBe(true);
  }

  it('production: locked to first run until setup; after it, nothing without sign-in', async () => {
    expect(await call('roster.list', { query: '' })).toEqual({
      ok: false,
      error: { kind: 'station', code: 'session.firstRunRequired' },
    });
    expect(code(await call('virtualKey.list', {}))).toBe('session.firstRunRequired');
    expect(code(await call('station.info', {}))).toBeNull();
    expect(code(await call('settings.get', {}))).toBeNull();
    expect(code(await call('operator.status', {}))).toBeNull();
    await setUp();
    expect((await call('roster.list', { query: '' })).ok).toBe(true); // the new admin
    await call('operator.signOut', {});
    const refused = await call('roster.list', { query: '' });
    expect(refused).toEqual({
      ok: false,
      error: { kind: 'station', code: 'session.signInRequired' },
    });
    // First run cannot be run twice.
    expect((await call('operator.setup', {})).ok).toBe(false);
    const wrong = await call('operator.signInWithPassword', {
      username: 'op.one',
      password: 'nope',
    });
    expect(wrong.ok).toBe(false);
    expect((await call('roster.list', { query: '' })).ok).toBe(false);
    await call('operator.signInWithPassword', { username: 'op.one', password: PASSWORD });
    expect((await call('roster.list', { query: '' })).ok).toBe(true);
  });

  it('kiosk: pass sign-in reaches only the own record; finish and idle forget it', async () => {
    await setUp();
    const a = (await call('roster.create', {
      upn: 'a@example.org',
      displayName: 'A',
      department: '',
      email: '',
      mobile: '',
    })) as { ok: true; value: { id: string } };
    const b = (await call('roster.create', {
      upn: 'b@example.org',
      displayName: 'B',
      department: '',
      email: '',
      mobile: '',
    })) as { ok: true; value: { id: string } };
    const pass = (await call('passes.issue', {
      personId: a.value.id,
      lifetimeMinutes: 60,
      oneTime: false,
    })) as { ok: true; value: { pass: string } };
    // Kiosk signs in with a pass only in kiosk mode.
    expect((await call('kiosk.signIn', { upn: 'a@example.org', pass: pass.value.pass })).ok).toBe(
      false,
    );
    expect((await call('kiosk.start', {})).ok).toBe(true);
    expect((await call('roster.list', { query: '' })).ok).toBe(false); // operator signed out
    expect(
      (await call('operator.signInWithPassword', { username: 'op.one', password: PASSWORD })).ok,
    ).toBe(false);

    expect((await call('kiosk.signIn', { upn: 'a@example.org', pass: pass.value.pass })).ok).toBe(
      true,
    );
    expect((await call('securityInfo.get', { personId: a.value.id })).ok).toBe(true);
    expect(code(await call('securityInfo.get', { personId: b.value.id }))).toBe(
      'session.forbidden',
    );
    expect(
      code(
        await call('passes.issue', { personId: a.value.id, lifetimeMinutes: 60, oneTime: true }),
      ),
    ).toBe('session.operatorRequired');
    expect((await call('audit.list', {})).ok).toBe(false);

    const ended: string[] = [];
    host.bus.attach((name, payload) => {
      if (name === 'kiosk.sessionEnded') ended.push((payload as { reason: string }).reason);
    });
    await call('kiosk.finish', { reason: 'done' });
    expect(ended).toEqual(['done']);
    expect(code(await call('securityInfo.get', { personId: a.value.id }))).toBe(
      'session.signInRequired',
    );

    // Server-side idle expiry (2 s + warning grace) even if the renderer never says so.
    expect((await call('kiosk.signIn', { upn: 'a@example.org', pass: pass.value.pass })).ok).toBe(
      true,
    );
    expect((await call('securityInfo.get', { personId: a.value.id })).ok).toBe(true);
    // Time moves on the station's clock: after idle 2 s + 1 s warning the person is still signed
    // in (public polling is not activity), one millisecond more and they are not.
    clock.advance(3000);
    expect((await call('station.info', {})).ok).toBe(true);
    expect(ended).toEqual(['done']);
    clock.advance(1);
    expect(code(await call('securityInfo.get', { personId: a.value.id }))).toBe(
      'session.signInRequired',
    );
    expect(ended).toEqual(['done', 'expired']);

    // Unlock with the operator password leaves kiosk mode.
    const unlocked = (await call('kiosk.unlockWithPassword', {
      username: 'op.one',
      password: PASSWORD,
    })) as {
      ok: true;
      value: { kiosk: boolean; role: string };
    };
    expect(unlocked.value).toMatchObject({ kiosk: false, role: 'operator' });
    expect(settings.get().kiosk).toBe(false);
  });
});

/**
 * Staff confirm a kiosk person's phone or email on the same screen (DESIGN.md §3.8): the
 * operator's password is checked on the spot, the method is stored as verified in person, and
 * kiosk mode and the person's session both stay. A wrong password changes nothing; another
 * session can't confirm the person's enrollment; nobody signed in can't call it at all. On a
 * demo station the person sees the recorded message of their own code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import type { StationHost } from '../../../main/api/station-host';
import { MemorySettingsStore } from '../../../main/api/settings';
import { ManualClock } from '../../../main/station/clock';
import { DEMO_ACCESS_PASS } from '../../../main/station/demoSeed';
import { channelOf, type Result } from '../../../preload/contract';

const OPERATOR = { username: 'desk.one', password: 'a-long-operator-password' };

let dir: string;
let host: StationHost;
let call: (entry: string, args: object) => Promise<Result<unknown>>;
const codeOf = (r: Result<unknown>): string | null => (r.ok ? null : r.error.code);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-kiosk-staff-'));
  host = await openStationHost({
    clock: new ManualClock(Date.UTC(2026, 2, 2, 9)),
    dataDir: dir,
    demo: true,
    settings: new MemorySettingsStore({ stationMode: 'demo' }),
    host: 'browser',
    version: 'test',
  });
  call = (entry, args) => {
    const [d, n] = entry.split('.');
    return host.dispatch(channelOf(d, n), args, {
      host: 'browser',
      client: 'browser:10.1.1.2',
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
});

afterEach(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signInLars(): Promise<string> {
  const r = await call('kiosk.signIn', { upn: DEMO_ACCESS_PASS.upn, pass: DEMO_ACCESS_PASS.pass });
  expect(r.ok).toBe(true);
  return (r as { value: { person: { id: string } } }).value.person.id;
}

async function beginPhone(personId: string): Promise<string> {
  const r = await call('enrollment.phoneBegin', {
    personId,
    kind: 'phoneSms',
    number: '070-765 43 21',
    country: 'SE',
    delivery: 'gateway',
  });
  expect(r.ok).toBe(true);
  return (r as { value: { enrollmentId: string } }).value.enrollmentId;
}

async function methodKinds(personId: string): Promise<string[]> {
  const r = await call('securityInfo.get', { personId });
  return (r as { value: { methods: { kind: string }[] } }).value.methods.map((m) => m.kind);
}

describe('staff confirm at the kiosk', () => {
  it('a kiosk person may ask staff, sees their own demo message, and a wrong password changes nothing', async () => {
    const lars = await signInLars();
    expect(await call('enrollment.contactOptions', {})).toMatchObject({
      ok: true,
      value: { canAskStaff: true, canConfirmInPerson: false, canReadOutbox: true },
    });
    const enrollmentId = await beginPhone(lars);
    // The demo's recorded message, for the person at the kiosk (no real phone in training).
    const message = await call('enrollment.demoMessage', { enrollmentId });
    expect(message.ok).toBe(true);
    expect((message as { value: { text: string } | null }).value?.text).toMatch(/\d{6}/);

    const wrong = await call('kiosk.confirmContactWithPassword', {
      enrollmentId,
      method: 'phone',
      username: OPERATOR.username,
      password: 'not-the-password',
    });
    expect(codeOf(wrong)).toBe('operator.invalidCredentials');
    expect(await methodKinds(lars)).toEqual([]);
    // Still the person's session, still a kiosk.
    expect(await call('operator.status', {})).toMatchObject({
      ok: true,
      value: { role: 'person', kiosk: true },
    });
  });

  it('the right password stores the number as confirmed in person; the person stays signed in at the kiosk', async () => {
    const lars = await signInLars();
    const enrollmentId = await beginPhone(lars);
    const r = await call('kiosk.confirmContactWithPassword', {
      enrollmentId,
      method: 'phone',
      username: OPERATOR.username,
      password: OPERATOR.password,
    });
    expect(r).toMatchObject({ ok: true, value: { kind: 'phoneSms' } });
    expect(await methodKinds(lars)).toEqual(['phoneSms']);
    expect(await call('operator.status', {})).toMatchObject({
      ok: true,
      value: { role: 'person', kiosk: true, person: { id: lars } },
    });
    // The same enrollment can't be confirmed twice.
    const again = await call('kiosk.confirmContactWithPassword', {
      enrollmentId,
      method: 'phone',
      username: OPERATOR.username,
      password: OPERATOR.password,
    });
    expect(codeOf(again)).toBe('enrollment.notFound');

    // The audit log names the operator who confirmed (read after unlocking the kiosk).
    expect((await call('kiosk.finish', { reason: 'done' })).ok).toBe(true);
    expect(
      (await call('kiosk.unlockWithPassword', { ...OPERATOR })).ok,
      'unlock to read the audit',
    ).toBe(true);
    const audit = await call('audit.list', { limit: 50 });
    expect(JSON.stringify(audit)).toMatch(/operatorInPerson/);
    expect(JSON.stringify(audit)).toContain(OPERATOR.username);
  });

  it("another session can't confirm the person's enrollment, and nobody signed in can't call it", async () => {
    const lars = await signInLars();
    const enrollmentId = await beginPhone(lars);
    expect((await call('kiosk.finish', { reason: 'done' })).ok).toBe(true);
    const nobody = await call('kiosk.confirmContactWithPassword', {
      enrollmentId,
      method: 'phone',
      username: OPERATOR.username,
      password: OPERATOR.password,
    });
    expect(codeOf(nobody)).toBe('session.signInRequired');
    // The same person signing in again is a new session: the old enrollment is not theirs now.
    await signInLars();
    const later = await call('kiosk.confirmContactWithPassword', {
      enrollmentId,
      method: 'phone',
      username: OPERATOR.username,
      password: OPERATOR.password,
    });
    expect(codeOf(later)).toBe('enrollment.notFound');
    expect(await methodKinds(lars)).toEqual([]);
  });
});

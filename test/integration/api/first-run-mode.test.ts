/**
 * Production chosen at first run applies at once, without a restart (DESIGN.md §4): on a
 * `--demo` station that an operator sets up for production, the virtual key is refused
 * everywhere (listing, demo controls, enrollment by AAGUID even over UDP) and the demo
 * organization is gone from search, roster, dashboard, kiosk pass sign-in and operator sign-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { StationHost } from '../../../main/api/station-host';
import {
  currentStationMode,
  isDemoPerson,
  lockedToFirstRun,
} from '../../../main/station/stationMode';
import { DEMO_ACCESS_PASS, DEMO_OPERATOR } from '../../../main/station';
import { startUdpVirtualKey, type UdpVirtualKey } from '../../../native/virtual-key/index';
import { contractCaller, firstRunSetup, OPERATOR_PASSWORD } from './contract-caller';

const PASSWORD = OPERATOR_PASSWORD;

describe('station mode (pure)', () => {
  it('before first run the host decides; after it the chosen mode', () => {
    const before = { firstRunComplete: false, stationMode: 'demo' } as const;
    expect(currentStationMode(before, true)).toBe('demo');
    expect(currentStationMode(before, false)).toBe('production');
    expect(currentStationMode({ ...before, stationMode: 'production' }, true)).toBe('demo');
    expect(currentStationMode({ firstRunComplete: true, stationMode: 'production' }, true)).toBe(
      'production',
    );
    expect(currentStationMode({ firstRunComplete: true, stationMode: 'demo' }, false)).toBe('demo');
    expect(lockedToFirstRun(false, 'production')).toBe(true);
    expect(lockedToFirstRun(false, 'demo')).toBe(false);
    expect(lockedToFirstRun(true, 'production')).toBe(false);
    expect(isDemoPerson('Anna.Svensson@DEMO.keystation.local')).toBe(true);
    expect(isDemoPerson('anna@demo.keystation.local.example.org')).toBe(false);
  });
});

describe('first run on a demo station chooses production', () => {
  let dir: string;
  let host: StationHost;
  let udp: UdpVirtualKey;
  let settings: MemorySettingsStore;
  const events: string[] = [];
  const { call, value, code } = contractCaller(() => host);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ks-first-run-mode-'));
    udp = await startUdpVirtualKey({ touch: 'auto' });
    settings = new MemorySettingsStore();
    host = await openStationHost({
      dataDir: dir,
      demo: true,
      settings,
      host: 'browser',
      version: 'test',
      keyPaths: [udp.path],
    });
    events.length = 0;
    host.bus.attach((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
  });

  afterEach(async () => {
    await host.close();
    await udp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function devices(): Promise<{ deviceId: string; virtual: boolean }[]> {
    // USB / UDP paths are found by polling: wait until the UDP key is listed.
    return vi.waitFor(
      async () => {
        const d = await value<{ devices: { deviceId: string; virtual: boolean }[] }>(
          'securityKey.devices',
          {},
        );
        expect(
          d.devices.some((x) => !x.virtual),
          'the UDP key is listed',
        ).toBe(true);
        return d.devices;
      },
      { timeout: 5000, interval: 20 },
    );
  }

  it('refuses the virtual key and hides the demo data right after setup', async () => {
    // Open demo station before first run: the virtual key and the demo people are there.
    expect((await devices()).filter((d) => d.virtual).map((d) => d.deviceId)).toEqual([
      'virtual-1',
    ]);
    expect(await code('virtualKey.list', {})).toBeNull();
    const anna = await value<{ people: { id: string; upn: string }[] }>('people.search', {
      query: 'anna',
    });
    expect(anna.people.map((p) => p.upn)).toContain('anna.svensson@demo.keystation.local');
    const annaId = anna.people[0].id;
    const udpId = (await devices()).find((d) => !d.virtual)?.deviceId ?? '';
    // The UDP virtual key enrolls on a demo station (then the enrollment is dropped).
    const started = await value<{ enrollmentId: string }>('securityKey.begin', {
      personId: annaId,
      deviceId: udpId,
      operationId: 'op-demo',
    });
    await value('securityKey.cancel', { enrollmentId: started.enrollmentId });

    const setup = await call('operator.setup', firstRunSetup('production'));
    expect(setup.ok).toBe(true);
    expect((await value<{ mode: string }>('operator.status', {})).mode).toBe('production');

    // The virtual key is gone at once: announced, not listed, no demo controls, no enrollment.
    expect(events).toContain('key.removed {"deviceId":"virtual-1"}');
    expect((await devices()).some((d) => d.virtual)).toBe(false);
    expect(await code('virtualKey.list', {})).toBe('securityKey.virtualKeyRefused');
    expect(await code('virtualKey.plugIn', { deviceId: 'virtual-1' })).toBe(
      'securityKey.virtualKeyRefused',
    );
    const created = await value<{ id: string }>('roster.create', {
      upn: 'ada@example.org',
      displayName: 'Ada Lovelace',
      department: 'Engineering',
      email: '',
      mobile: '',
    });
    expect(
      await code('securityKey.begin', {
        personId: created.id,
        deviceId: 'virtual-1',
        operationId: 'op-1',
      }),
    ).toBe('securityKey.virtualKeyRefused');
    // Reached over UDP it looks like a USB key; the station refuses it by its AAGUID.
    expect(
      await code('securityKey.begin', {
        personId: created.id,
        deviceId: udpId,
        operationId: 'op-2',
      }),
    ).toBe('securityKey.virtualKeyRefused');

    // The demo organization is hidden everywhere the operator looks.
    const search = await value<{ people: { upn: string }[] }>('people.search', { query: 'a' });
    expect(search.people.map((p) => p.upn)).toEqual(['ada@example.org']);
    const roster = await value<{ people: { upn: string }[]; departments: string[] }>(
      'roster.list',
      { query: '' },
    );
    expect(roster.people.map((p) => p.upn)).toEqual(['ada@example.org']);
    expect(roster.departments).toEqual(['Engineering']);
    expect(await code('roster.get', { personId: annaId })).toBe('person.notFound');
    // Nor reachable by id (an old link, a guessed id) through any domain.
    expect(await code('securityInfo.get', { personId: annaId })).toBe('person.notFound');
    expect(
      await code('passes.issue', { personId: annaId, lifetimeMinutes: 60, oneTime: true }),
    ).toBe('person.notFound');
    expect(await code('securityInfo.get', { personId: created.id })).toBeNull();
    const dashboard = await value<{ total: Record<string, number>; keysByModel: unknown[] }>(
      'roster.dashboard',
      {},
    );
    expect(dashboard.total).toEqual({ complete: 0, incomplete: 0, notStarted: 1 });
    expect(dashboard.keysByModel).toEqual([]);
    const report = await value<{ csv: string }>('roster.exportReport', {});
    const reportLines = report.csv.trim().split('\r\n');
    expect(reportLines).toHaveLength(2);
    expect(reportLines[0]).toMatch(/^upn,display name,/);
    expect(reportLines[1]).toMatch(/^ada@example\.org,Ada Lovelace,Engineering,active,/);

    // The demo organization's public secrets open nothing.
    await value('operator.signOut', {});
    expect(
      await code('operator.signInWithPassword', {
        username: DEMO_OPERATOR.username,
        password: DEMO_OPERATOR.password,
      }),
    ).toBe('operator.invalidCredentials');
    await value('operator.signInWithPassword', { username: 'op.one', password: PASSWORD });
    await value('kiosk.start', {});
    expect(
      await code('kiosk.signIn', { upn: DEMO_ACCESS_PASS.upn, pass: DEMO_ACCESS_PASS.pass }),
    ).toBe('pass.invalid');
    expect(
      await code('kiosk.unlockWithPassword', {
        username: DEMO_OPERATOR.username,
        password: DEMO_OPERATOR.password,
      }),
    ).toBe('operator.invalidCredentials');
  });

  it('a demo station set up as demo keeps its virtual key and demo people', async () => {
    await value('operator.setup', firstRunSetup('demo'));
    expect((await devices()).some((d) => d.virtual)).toBe(true);
    expect(await code('virtualKey.list', {})).toBeNull();
    const search = await value<{ people: unknown[] }>('people.search', { query: 'anna' });
    expect(search.people.length).toBeGreaterThan(0);
    expect(events.some((e) => e.startsWith('key.removed'))).toBe(false);
  });
});

/**
 * The renderer's WebSocket client (renderer/src/api/socketClient.ts) against the real browser
 * host and a real demo station: the same calls the UI makes, through the whole stack.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { StationHost } from '../../../main/api/station-host';
import { startBrowserHost, type RunningBrowserHost } from '../../../main/browser-host/server';
import { createSocketApi, type SocketLike } from '../../../renderer/src/api/socketClient';
import type { KeystationApi } from '../../../preload/contract';

let dir: string;
let station: StationHost;
let host: RunningBrowserHost;
let api: KeystationApi;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-client-'));
  mkdirSync(join(dir, 'renderer'));
  station = await openStationHost({
    dataDir: join(dir, 'data'),
    demo: true,
    settings: new MemorySettingsStore(),
    host: 'browser',
    version: '0.0.0-test',
  });
  host = await startBrowserHost({ port: 0, rendererDir: join(dir, 'renderer'), station });
  // In the browser the session cookie (given for the one-time launch URL) authenticates the
  // socket; here the launch URL is loaded once and the ws package sends the cookie.
  const launched = await fetch(host.url, { redirect: 'manual' });
  const session = /ks_session_\d+=([^;]+)/.exec(launched.headers.get('set-cookie') ?? '')?.[1];
  const open = (url: string) =>
    new WebSocket(url, {
      origin: host.origin,
      headers: { Cookie: `ks_session_${host.port}=${session}` },
    }) as unknown as SocketLike;
  api = createSocketApi(`ws://127.0.0.1:${host.port}/api`, open);
});

afterAll(async () => {
  await host?.close();
  await station?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('renderer socket client', () => {
  it('reads a demo person’s security info from SQLite through the contract', async () => {
    const found = await api.people.search({ query: 'Anna' });
    if (!found.ok) throw new Error(JSON.stringify(found.error));
    const anna = found.value.people.find((p) => p.displayName === 'Anna Svensson');
    expect(anna).toBeDefined();
    const info = await api.securityInfo.get({ personId: anna!.id });
    if (!info.ok) throw new Error(JSON.stringify(info.error));
    expect(info.value.person.upn).toBe(anna!.upn);
    expect(info.value.methods.map((m) => m.kind).sort()).toEqual([
      'authenticatorApp',
      'phoneSms',
      'securityKey',
    ]);
    const def = info.value.methods.find((m) => m.isDefault);
    expect(info.value.defaultMethodId).toBe(def?.id);
    // Phone numbers are masked for the list (DESIGN.md §1).
    const phone = info.value.methods.find((m) => m.kind === 'phoneSms')!;
    expect(phone.detail).not.toContain('+46701234567');
  });

  it('gets a typed validation error for a bad shape (the UI would never send it)', async () => {
    const bad = await (api.people.search as (a: unknown) => Promise<unknown>)({ query: ['x'] });
    expect(bad).toMatchObject({
      ok: false,
      error: { kind: 'validation', code: 'invalidArguments' },
    });
  });

  it('settings round-trip and events arrive', async () => {
    expect(await api.settings.update({ language: 'en' })).toEqual({
      ok: true,
      value: { language: 'en', theme: 'system' },
    });
    const got = new Promise((resolve) => {
      const off = api.events.subscribe('key.inserted', (p) => {
        off();
        resolve(p);
      });
    });
    await api.station.info({}); // make sure the socket is up before emitting
    station.bus.emit('key.inserted', { deviceId: 'd1', productName: null, virtual: true });
    expect(await got).toEqual({ deviceId: 'd1', productName: null, virtual: true });
  });

  it('a lost connection is a typed error, not a hang', async () => {
    const dead = createSocketApi(
      'ws://127.0.0.1:1/api',
      (u) => new WebSocket(u) as unknown as SocketLike,
    );
    expect(await dead.station.info({})).toEqual({
      ok: false,
      error: { kind: 'internal', code: 'connectionLost' },
    });
  });
});

/**
 * The browser host for real: a station on a temp data dir, the HTTP server and the WebSocket
 * on 127.0.0.1, real requests. Token, Host and Origin checks; contract calls over the socket.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { StationHost } from '../../../main/api/station-host';
import {
  startBrowserHost,
  RemoteBindRefused,
  type RunningBrowserHost,
} from '../../../main/browser-host/server';

let dir: string;
let station: StationHost;
let host: RunningBrowserHost;
let hostHeader: string;
let session: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ks-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keystation</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  station = await openStationHost({
    dataDir: join(dir, 'data'),
    demo: true,
    settings: new MemorySettingsStore(),
    host: 'browser',
    version: '0.0.0-test',
  });
  host = await startBrowserHost({ port: 0, rendererDir, station });
  hostHeader = `127.0.0.1:${host.port}`;
  session = await exchange(host.newLaunchUrl());
});

/** What a browser does with a launch URL: load it, keep the session cookie it is given. */
async function exchange(launchUrl: string): Promise<string> {
  const u = new URL(launchUrl);
  const r = await get(u.pathname + u.search);
  const m = new RegExp(`ks_session_${host.port}=([^;]+)`).exec(String(r.headers['set-cookie']));
  if (r.status !== 303 || !m) throw new Error(`no session for ${launchUrl}: ${r.status}`);
  return m[1];
}

/** A fresh one-time launch token. */
const launchToken = () => new URL(host.newLaunchUrl()).searchParams.get('token') as string;

afterAll(async () => {
  await host?.close();
  await station?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `ks_session_${host.port}=${session}`;

function connect(
  opts: { token?: string | null; origin?: string | null; cookie?: string; path?: string } = {},
) {
  const token = opts.token === undefined ? launchToken() : opts.token;
  const url = `ws://127.0.0.1:${host.port}${opts.path ?? '/api'}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.Cookie = opts.cookie;
  const origin = opts.origin === undefined ? `http://${hostHeader}` : opts.origin;
  return new WebSocket(url, { headers, ...(origin ? { origin } : {}) });
}

function opened(ws: WebSocket): Promise<'open' | number> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

let nextId = 1;
function call(
  ws: WebSocket,
  channel: string,
  args: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: unknown }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString());
      if (m.id === id) {
        ws.off('message', onMessage);
        resolve(m.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, call: channel, args }));
  });
}

describe('browser host: HTTP', () => {
  it('refuses the page without the token (401) and with a wrong one (403)', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/index.html')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(403);
    expect((await get('/', { Cookie: `ks_session_${host.port}=nope` })).status).toBe(401);
  });

  it('the token in the URL is exchanged for a separate HttpOnly SameSite session cookie and leaves the address bar', async () => {
    const r = await get(`/?token=${host.token}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    const setCookie = String(r.headers['set-cookie']);
    const given = new RegExp(`ks_session_${host.port}=([^;]+)`).exec(setCookie)?.[1];
    expect(given).toMatch(/^[\w-]{43}$/);
    expect(given).not.toBe(host.token);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect((await get('/', { Cookie: `ks_session_${host.port}=${given}` })).status).toBe(200);
  });

  it('the launch token works once: a second load, a socket or the token as a cookie are refused', async () => {
    const url = new URL(host.newLaunchUrl());
    const token = url.searchParams.get('token') as string;
    expect((await get(url.pathname + url.search)).status).toBe(303);
    const again = await get(url.pathname + url.search);
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect((await get('/', { Cookie: `ks_session_${host.port}=${token}` })).status).toBe(401);
    expect(await opened(connect({ token }))).toBe(401);
    expect(await opened(connect({ token: null, cookie: `ks_session_${host.port}=${token}` }))).toBe(
      401,
    );
    // A browser that has its session may open the old address again: the token is only dropped.
    const withSession = await get(url.pathname + url.search, { Cookie: cookie() });
    expect(withSession.status).toBe(303);
    expect(withSession.headers['set-cookie']).toBeUndefined();
  });

  it('a launch token given straight to the socket opens that one socket only', async () => {
    const token = launchToken();
    const first = connect({ token });
    expect(await opened(first)).toBe('open');
    first.close();
    expect(await opened(connect({ token }))).toBe(401);
  });

  it('serves the page with the cookie, with a strict CSP', async () => {
    const r = await get('/', { Cookie: cookie() });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Keystation</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(`ws://${hostHeader}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect((await get('/assets/app.js', { Cookie: cookie() })).headers['content-type']).toMatch(
      /javascript/,
    );
  });

  it('never serves a file outside the renderer', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/.hidden',
      '/%00',
    ]) {
      const r = await get(path, { Cookie: cookie() });
      expect(r.status).toBe(404);
      expect(r.body).not.toContain('outside the renderer');
    }
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    expect((await get('/', { Host: `evil.example:${host.port}`, Cookie: cookie() })).status).toBe(
      403,
    );
    expect((await get('/', { Host: `127.0.0.1:1`, Cookie: cookie() })).status).toBe(403);
    expect((await get('/', { Host: `localhost:${host.port}`, Cookie: cookie() })).status).toBe(200);
  });

  it('refuses to bind anything but loopback without --allow-remote', async () => {
    await expect(
      startBrowserHost({ host: '0.0.0.0', port: 0, rendererDir: dir, station }),
    ).rejects.toBeInstanceOf(RemoteBindRefused);
    await expect(
      startBrowserHost({ host: '192.168.1.10', port: 0, rendererDir: dir, station }),
    ).rejects.toBeInstanceOf(RemoteBindRefused);
  });
});

describe('browser host: WebSocket contract', () => {
  it('refuses a socket without the token, from another origin, or on another path', async () => {
    expect(await opened(connect({ token: null }))).toBe(401);
    expect(await opened(connect({ token: 'wrong' }))).toBe(401);
    expect(await opened(connect({ origin: 'http://evil.example' }))).toBe(403);
    expect(await opened(connect({ origin: null }))).toBe(403);
    expect(await opened(connect({ path: '/other' }))).toBe(404);
  });

  it('accepts the session cookie (what the browser sends) and answers a real call', async () => {
    const ws = connect({ token: null, cookie: cookie() });
    expect(await opened(ws)).toBe('open');
    const r = await call(ws, 'ks:people.search', { query: 'Anna' });
    expect(r.ok).toBe(true);
    const people = (r.value as { people: { displayName: string }[] }).people;
    expect(people.map((p) => p.displayName)).toContain('Anna Svensson');
    ws.close();
  });

  it('a wrong argument shape gets a validation error; an unknown channel is refused', async () => {
    const ws = connect();
    expect(await opened(ws)).toBe('open');
    expect(await call(ws, 'ks:people.search', { query: 42 })).toMatchObject({
      ok: false,
      error: { kind: 'validation', code: 'invalidArguments', params: { path: 'query' } },
    });
    expect(
      await call(ws, 'ks:people.search', { query: 'a', sql: 'DROP TABLE people' }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation', code: 'invalidArguments' },
    });
    expect(await call(ws, 'ks:securityInfo.get', {})).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect(await call(ws, 'ks:people.drop', {})).toEqual({
      ok: false,
      error: { kind: 'validation', code: 'unknownChannel' },
    });
    expect(await call(ws, '__proto__', {})).toEqual({
      ok: false,
      error: { kind: 'validation', code: 'unknownChannel' },
    });
    // A station rule comes back typed too.
    expect(await call(ws, 'ks:securityInfo.get', { personId: '999999' })).toEqual({
      ok: false,
      error: { kind: 'station', code: 'person.notFound' },
    });
    // The socket is still usable after all that.
    expect((await call(ws, 'ks:station.info', {})).ok).toBe(true);
    ws.close();
  });

  it('malformed frames get a typed error and do not close the socket', async () => {
    const ws = connect();
    expect(await opened(ws)).toBe('open');
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    ws.send('{not json');
    ws.send(JSON.stringify({ call: 'ks:station.info' }));
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await expect.poll(() => replies.length).toBe(3);
    for (const reply of replies) {
      expect(reply).toMatchObject({
        id: null,
        result: { ok: false, error: { kind: 'validation', code: 'malformedMessage' } },
      });
    }
    expect((await call(ws, 'ks:station.info', {})).ok).toBe(true);
    ws.close();
  });

  it('the 40 MiB message limit is for a socket with a session only: a refused upgrade is closed, whatever follows it', async () => {
    // A client that ignores the answer and keeps sending a 40 MiB frame after its request.
    const raw = tcpConnect({ host: '127.0.0.1', port: host.port, allowHalfOpen: true });
    let answer = '';
    raw.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    raw.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    raw.write(
      [
        'GET /api HTTP/1.1',
        `Host: ${hostHeader}`,
        `Origin: http://${hostHeader}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
    // A masked text frame header announcing 40 MiB, then its payload a MiB at a time.
    const size = 40 * 1024 * 1024;
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(size), 2);
    raw.write(header);
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    let sent = 0;
    while (sent < size && !isClosed) {
      if (!raw.write(chunk)) await Promise.race([new Promise((r) => raw.once('drain', r)), closed]);
      sent += chunk.length;
    }
    // The host answered 401 and closed the connection itself (this client never would).
    await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(sent).toBeLessThan(size);
  });

  it('with a session, a message up to 40 MiB reaches the contract (a 33 MiB BLOB is refused by its schema); a larger one closes the socket (1009)', async () => {
    const ws = connect();
    expect(await opened(ws)).toBe('open');
    const blob = 'x'.repeat(33 * 1024 * 1024);
    expect(await call(ws, 'ks:keyManager.importMetadata', { blob })).toMatchObject({
      ok: false,
      error: { kind: 'validation', code: 'invalidArguments', params: { path: 'blob' } },
    });
    expect((await call(ws, 'ks:station.info', {})).ok).toBe(true);
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    ws.send(
      JSON.stringify({
        id: nextId++,
        call: 'ks:station.info',
        args: { pad: 'x'.repeat(41 * 1024 * 1024) },
      }),
    );
    expect(await code).toBe(1009);
  }, 60_000);

  it('pushes events to connected renderers', async () => {
    const ws = connect();
    expect(await opened(ws)).toBe('open');
    const event = new Promise((resolve) =>
      ws.once('message', (d) => resolve(JSON.parse(d.toString()))),
    );
    station.bus.emit('key.removed', { deviceId: 'dev-1' });
    expect(await event).toEqual({ event: 'key.removed', payload: { deviceId: 'dev-1' } });
    ws.close();
  });
});

describe('renderer files', () => {
  it('sends the main chunk gzip-compressed to a browser that accepts it, kept by name', async () => {
    const big = `console.log(${JSON.stringify('keystation '.repeat(2000))});`;
    writeFileSync(join(dir, 'renderer', 'assets', 'index-AbCd1234.js'), big);
    const cookie = { Cookie: `ks_session_${host.port}=${session}` };
    const zipped = await getBytes('/assets/index-AbCd1234.js', {
      ...cookie,
      'Accept-Encoding': 'gzip, deflate, br',
    });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(big.length / 10);
    expect(gunzipSync(zipped.body).toString()).toBe(big);
    expect(zipped.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(zipped.headers['content-security-policy']).toBeDefined();

    const plainCopy = await getBytes('/assets/index-AbCd1234.js', {
      ...cookie,
      'Accept-Encoding': 'gzip;q=0, identity',
    });
    expect(plainCopy.headers['content-encoding']).toBeUndefined();
    expect(plainCopy.body.toString()).toBe(big);

    // index.html is never stored; a rebuilt file is served anew.
    const page = await getBytes('/', cookie);
    expect(page.headers['cache-control']).toBe('no-store');
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Rebuilt</title>');
    expect((await getBytes('/', cookie)).body.toString()).toContain('Rebuilt');
  });

  it('still refuses a caller without a session', async () => {
    const r = await getBytes('/assets/index-AbCd1234.js', { 'Accept-Encoding': 'gzip' });
    expect(r.status).toBe(401);
  });
});

function getBytes(path: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

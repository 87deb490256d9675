/**
 * The test provider's faults, each switched on for one instance: 429/503 with Retry-After on
 * a rhythm and a budget, 5xx, a reply lost after the change was made, a request dropped
 * before it, latency, faults on the authority host; and the provider closing itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGraphProvider,
  type GraphProvider,
  type SeededApp,
  type SeededTenant,
} from '../../support/graph-provider';
import { tokenRequest } from '../../support/graph-provider/client';
import { graph, secretToken } from './support';

let p: GraphProvider;
let t: SeededTenant;
let app: SeededApp;
let token: string;

beforeAll(async () => {
  p = await startGraphProvider();
  t = p.addTenant();
  app = t.addApp({ secret: true });
  token = await secretToken(p, t, app);
});
afterAll(() => p.close());

describe('faults', () => {
  it('throttle: 429 with Retry-After on every 2nd request, until the budget of 2 is spent', async () => {
    const u = t.addUser();
    const f = p.faults.throttle({ every: 2, count: 2, retryAfterSeconds: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await graph(p, token, 'GET', `/v1.0/users/${u.id}/authentication/methods`);
      statuses.push(r.status);
      if (r.status === 429) {
        expect(r.headers['retry-after']).toBe('7');
        expect((r.json as { error: { code: string } }).error.code).toBe('TooManyRequests');
      }
    }
    expect(statuses).toEqual([200, 429, 200, 429, 200, 200]);
    expect(f.injected).toBe(2);
    f.remove();
  });

  it('503 with Retry-After, and 500, limited to one endpoint', async () => {
    const u = t.addUser();
    p.faults.throttle({
      status: 503,
      count: 1,
      retryAfterSeconds: 3,
      match: { endpoint: 'GET /users/{id}' },
    });
    p.faults.serverError(500, { count: 1, match: { endpoint: /^GET \/users\/\{id\}$/ } });
    const other = await graph(p, token, 'GET', `/v1.0/users/${u.id}/authentication/methods`);
    expect(other.status).toBe(200);
    const a = await graph(p, token, 'GET', `/v1.0/users/${u.id}`);
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('3');
    const b = await graph(p, token, 'GET', `/v1.0/users/${u.id}`);
    expect(b.status).toBe(500);
    expect((await graph(p, token, 'GET', `/v1.0/users/${u.id}`)).status).toBe(200);
    p.faults.clear();
  });

  it('dropReply: the change is made, the client sees the connection die; a retry meets the result', async () => {
    const u = t.addUser();
    p.faults.dropReply({
      count: 1,
      match: { endpoint: 'POST /users/{id}/authentication/phoneMethods' },
    });
    const path = `/v1.0/users/${u.id}/authentication/phoneMethods`;
    await expect(
      graph(p, token, 'POST', path, { phoneNumber: '+46 701234567', phoneType: 'mobile' }),
    ).rejects.toThrow();
    expect(t.methods(u.id, 'phone')).toHaveLength(1);
    const retry = await graph(p, token, 'POST', path, {
      phoneNumber: '+46 701234567',
      phoneType: 'mobile',
    });
    expect(retry.status).toBe(409);
    const last = p.requests.filter(
      (e) => e.endpoint === 'POST /users/{id}/authentication/phoneMethods',
    );
    expect(last.map((e) => e.status)).toEqual(['dropped', 409]);
    expect(last[0].faults).toEqual(['dropReply']);
  });

  it('dropRequest: the connection dies before anything changes', async () => {
    const u = t.addUser();
    p.faults.dropRequest({ count: 1 });
    await expect(
      graph(p, token, 'POST', `/v1.0/users/${u.id}/authentication/emailMethods`, {
        emailAddress: 'a@example.org',
      }),
    ).rejects.toThrow();
    expect(t.methods(u.id, 'email')).toHaveLength(0);
  });

  it('latency delays the reply', async () => {
    const u = t.addUser();
    p.faults.latency(150, { count: 1 });
    const start = performance.now();
    expect((await graph(p, token, 'GET', `/v1.0/users/${u.id}`)).status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('faults on the authority host: token endpoint 429 with Retry-After', async () => {
    p.faults.throttle({ count: 1, retryAfterSeconds: 5, match: { host: 'login' } });
    const form = {
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: app.secret!,
      scope: `${p.graphUrl}/.default`,
    };
    const r = await tokenRequest(p.caPem, t.tokenEndpoint, form);
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('5');
    expect((await tokenRequest(p.caPem, t.tokenEndpoint, form)).status).toBe(200);
  });

  it('throttling inside a $batch answers single items with 429', async () => {
    const users = t.addPeople(3).users;
    p.faults.throttle({
      every: 2,
      count: 1,
      match: { endpoint: 'GET /users/{id}/authentication/methods' },
    });
    const r = await graph(p, token, 'POST', '/v1.0/$batch', {
      requests: users.map((u, i) => ({
        id: String(i),
        method: 'GET',
        url: `/users/${u.id}/authentication/methods`,
      })),
    });
    const statuses = (
      r.json as { responses: { status: number; headers: Record<string, string> }[] }
    ).responses;
    expect(statuses.map((x) => x.status)).toEqual([200, 429, 200]);
    expect(statuses[1].headers['Retry-After']).toBe('1');
  });

  it('counts requests per endpoint', () => {
    const counts = p.requestCounts((e) => e.host === 'graph');
    expect(counts['GET /users/{id}/authentication/methods']).toBeGreaterThanOrEqual(7);
    expect(counts['POST /$batch']).toBe(1);
  });
});

describe('lifetime', () => {
  it('closes itself after the idle time', async () => {
    const q = await startGraphProvider({ idleTimeoutMs: 50 });
    await q.whenClosed();
    expect(q.closed).toBe(true);
  });

  it('closes itself at the hard limit even while busy', async () => {
    const q = await startGraphProvider({ hardTimeoutMs: 100, idleTimeoutMs: 60_000 });
    await q.whenClosed();
    expect(q.closed).toBe(true);
  });
});

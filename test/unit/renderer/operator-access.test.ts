import { describe, expect, it, vi } from 'vitest';
import type { KeystationApi } from '../../../preload/contract';
import { watchSession } from '../../../renderer/src/pages/operator/access';

function fakeApi(answers: Record<string, unknown>): KeystationApi {
  const events = { subscribe: () => () => {} };
  const api = Object.freeze({
    events,
    roster: Object.freeze({ list: vi.fn(async () => answers.list) }),
    operator: Object.freeze({ status: vi.fn(async () => answers.status) }),
  });
  return api as unknown as KeystationApi;
}

describe('watchSession', () => {
  it('reports a session that is gone on the server, passes every answer through', async () => {
    const gone = vi.fn();
    const refused = { ok: false, error: { kind: 'station', code: 'session.signInRequired' } };
    const forbidden = { ok: false, error: { kind: 'station', code: 'session.forbidden' } };
    const api = watchSession(fakeApi({ list: refused, status: forbidden }), gone);
    expect(await api.roster.list({ query: '' })).toEqual(refused);
    expect(gone).toHaveBeenCalledTimes(1);
    expect(await api.operator.status({})).toEqual(forbidden);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('keeps the events and works on frozen bridge objects', async () => {
    const inner = fakeApi({ list: { ok: true, value: { people: [] } } });
    const api = watchSession(inner, () => {});
    expect(api.events).toBe(inner.events);
    await expect(api.roster.list({ query: 'a' })).resolves.toEqual({
      ok: true,
      value: { people: [] },
    });
    expect(inner.roster.list).toHaveBeenCalledWith({ query: 'a' });
  });
});

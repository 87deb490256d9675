import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CtapError } from '../../../native/ctap2/status';
import { TransportError } from '../../../native/errors';
import { contract, contractEvents, isEventName, listChannels } from '../../../preload/contract';
import { createDispatch, type ContractHandlers } from '../../../main/api/dispatch';
import { fakeHandlers } from './fake-handlers';
import { toContractError } from '../../../main/api/errors';
import { StationError } from '../../../main/station';

describe('the contract', () => {
  it('has unique channels, one per entry, named ks:<domain>.<name>', () => {
    const channels = listChannels();
    const names = channels.map((c) => c.channel);
    expect(new Set(names).size).toBe(names.length);
    const entries = Object.values(contract).reduce((n, calls) => n + Object.keys(calls).length, 0);
    expect(channels).toHaveLength(entries);
    for (const c of channels) expect(c.channel).toMatch(/^ks:[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
  });

  it('every argument schema is a strict object: extra keys and non-objects are refused', () => {
    for (const { channel, args } of listChannels()) {
      expect(args, channel).toBeInstanceOf(z.ZodObject);
      expect(args.safeParse(null).success, channel).toBe(false);
      expect(args.safeParse('x').success, channel).toBe(false);
      expect(args.safeParse([]).success, channel).toBe(false);
      // Fill every required key with garbage plus an extra one: never accepted as is.
      expect(args.safeParse({ __extra__: 1 }).success, channel).toBe(false);
    }
  });

  it('events are known by name only', () => {
    expect(isEventName('key.inserted')).toBe(true);
    expect(isEventName('toString')).toBe(false);
    expect(isEventName(undefined)).toBe(false);
    expect(Object.keys(contractEvents)).toEqual(
      expect.arrayContaining([
        'key.inserted',
        'key.removed',
        'key.keepalive',
        'operation.progress',
      ]),
    );
  });
});

describe('dispatch', () => {
  const calls: unknown[] = [];
  const handlers = fakeHandlers({
    station: {
      info: () => ({
        mode: 'demo',
        version: '1',
        organizationName: 'X',
        host: 'browser',
        auditIntact: true,
      }),
    },
    settings: {
      get: () => ({ language: 'sv', theme: 'system' }),
      update: (a: unknown) => (calls.push(a), { language: 'sv', theme: 'system' }),
    },
    people: {
      search: async ({ query }: { query: string }) => {
        if (query === 'station') throw new StationError('person.notFound', { upn: 'a@b.se' });
        if (query === 'ctap') throw new CtapError(0x31, 0x02);
        if (query === 'transport') throw new TransportError('unplugged');
        if (query === 'bug') throw new TypeError('x is undefined');
        return { people: [], hasMore: false };
      },
    },
    securityInfo: { get: () => null },
  });
  const logged: string[] = [];
  const dispatch = createDispatch(handlers, { error: (channel) => logged.push(channel) });
  const ctx = { host: 'browser' as const, emit: () => {} };

  it('refuses a channel that is not in the contract', async () => {
    for (const channel of [
      'ks:people.delete',
      '',
      'constructor',
      '__proto__',
      'ks:people.search ',
    ]) {
      expect(await dispatch(channel, {}, ctx)).toEqual({
        ok: false,
        error: { kind: 'validation', code: 'unknownChannel' },
      });
    }
  });

  it('validates arguments and never echoes their values', async () => {
    const r = await dispatch('ks:settings.update', { language: 'fi-SECRET' }, ctx);
    expect(r).toMatchObject({
      ok: false,
      error: { kind: 'validation', code: 'invalidArguments', params: { path: 'language' } },
    });
    expect(JSON.stringify(r)).not.toContain('SECRET');
    expect(calls).toHaveLength(0);
  });

  it('maps the three error kinds and hides internal errors', async () => {
    expect(await dispatch('ks:people.search', { query: 'station' }, ctx)).toEqual({
      ok: false,
      error: { kind: 'station', code: 'person.notFound', params: { upn: 'a@b.se' } },
    });
    expect(await dispatch('ks:people.search', { query: 'ctap' }, ctx)).toEqual({
      ok: false,
      error: { kind: 'ctap', code: 'PIN_INVALID', params: { status: 0x31, command: 0x02 } },
    });
    expect(await dispatch('ks:people.search', { query: 'transport' }, ctx)).toEqual({
      ok: false,
      error: { kind: 'transport', code: 'unplugged' },
    });
    const bug = await dispatch('ks:people.search', { query: 'bug' }, ctx);
    expect(bug).toEqual({ ok: false, error: { kind: 'internal', code: 'unexpected' } });
    expect(JSON.stringify(bug)).not.toContain('undefined');
    expect(logged).toEqual(['ks:people.search']);
  });

  it('a missing handler is a start-up error, not a run-time surprise', () => {
    const partial = { ...handlers, people: {} } as unknown as ContractHandlers;
    expect(() => createDispatch(partial)).toThrow(/ks:people.search/);
  });

  it('error params keep primitives only', () => {
    const e = Object.assign(new StationError('person.notFound'), {
      params: { a: 1, b: { nested: true }, c: 'x' },
    });
    expect(toContractError(e)).toEqual({
      kind: 'station',
      code: 'person.notFound',
      params: { a: 1, c: 'x' },
    });
  });
});

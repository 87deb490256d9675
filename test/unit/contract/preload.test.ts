/**
 * The preload with a fake 'electron': it must expose exactly one named function per contract
 * entry (each bound to its own channel, no generic invoke) and an event subscription that only
 * knows the contract's events.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { listChannels, EVENT_CHANNEL } from '../../../preload/contract';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async (channel: string, args: unknown) => ({
  ok: true,
  value: { channel, args },
}));
let onEvent: ((event: unknown, message: unknown) => void) | undefined;

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed[key] = api;
    },
  },
  ipcRenderer: {
    invoke: (channel: string, args: unknown) => invoke(channel, args),
    on: (channel: string, listener: (event: unknown, message: unknown) => void) => {
      if (channel === EVENT_CHANNEL) onEvent = listener;
    },
  },
}));

type Api = Record<string, Record<string, (args: unknown) => Promise<unknown>>> & {
  events: { subscribe(name: string, listener: (p: unknown) => void): () => void };
};
let api: Api;

beforeAll(async () => {
  await import('../../../preload/index');
  api = exposed.keystation as Api;
});

describe('preload bridge', () => {
  it('exposes only window.keystation', () => {
    expect(Object.keys(exposed)).toEqual(['keystation']);
  });

  it('one function per contract entry, each invoking its own channel with the one argument', async () => {
    const entries = listChannels();
    const domains = new Set(entries.map((e) => e.domain));
    expect(Object.keys(api).sort()).toEqual([...domains, 'events'].sort());
    for (const entry of entries) {
      const fn = api[entry.domain][entry.name];
      expect(typeof fn, entry.channel).toBe('function');
      invoke.mockClear();
      await fn({ probe: entry.channel });
      expect(invoke).toHaveBeenCalledExactlyOnceWith(entry.channel, { probe: entry.channel });
    }
    const fnCount = Object.entries(api)
      .filter(([k]) => k !== 'events')
      .reduce((n, [, fns]) => n + Object.keys(fns).length, 0);
    expect(fnCount).toBe(entries.length);
  });

  it('has no generic invoke or send', () => {
    const names = JSON.stringify(Object.keys(api)) + JSON.stringify(Object.keys(api.events));
    expect(names).not.toMatch(/invoke|send|ipc/i);
  });

  it('delivers contract events to subscribers and drops unknown ones', () => {
    const got: unknown[] = [];
    const off = api.events.subscribe('key.removed', (p) => got.push(p));
    onEvent?.({}, { name: 'key.removed', payload: { deviceId: 'a' } });
    onEvent?.({}, { name: 'no.such.event', payload: 1 });
    onEvent?.({}, 'garbage');
    off();
    onEvent?.({}, { name: 'key.removed', payload: { deviceId: 'b' } });
    expect(got).toEqual([{ deviceId: 'a' }]);
    // Subscribing to an unknown name is a no-op.
    expect(typeof api.events.subscribe('toString', () => {})).toBe('function');
  });
});

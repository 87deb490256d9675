import { describe, expect, it, vi } from 'vitest';
import { listChannels } from '../../../preload/contract';
import { createDispatch } from '../../../main/api/dispatch';
import { fakeHandlers } from '../contract/fake-handlers';
import {
  registerContractIpc,
  checkSender,
  type InvokeEventLike,
  type IpcMainLike,
} from '../../../main/electron/ipc';
import { APP_ORIGIN, isRendererUrl, rendererOrigin } from '../../../main/electron/renderer-origin';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What Electron does: no handler → the invoke is rejected. */
  invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return h(event, ...args);
  }
}

const search = vi.fn((args: { query: string }) => ({
  people: [],
  hasMore: false,
  echo: args.query,
}));
const handlers = fakeHandlers({
  station: {
    info: () => ({
      mode: 'demo',
      version: '0',
      organizationName: null,
      host: 'electron',
      auditIntact: true,
    }),
  },
  settings: {
    get: () => ({ language: null, theme: 'system' }),
    update: () => ({ language: null, theme: 'system' }),
  },
  people: { search },
  securityInfo: {
    get: () => {
      throw new Error('boom');
    },
  },
});

const OUR_ID = 7;
const ours: InvokeEventLike = {
  sender: { id: OUR_ID },
  senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null },
};

function setup() {
  const ipc = new FakeIpcMain();
  const refused: string[] = [];
  const unregister = registerContractIpc(
    ipc,
    createDispatch(handlers, { error: () => {} }),
    { webContentsId: () => OUR_ID, origin: APP_ORIGIN },
    () => ({ host: 'electron', emit: () => {} }),
    (channel, verdict) => refused.push(`${channel}:${verdict}`),
  );
  return { ipc, refused, unregister };
}

describe('IPC adapter', () => {
  it('registers exactly the contract channels, nothing else', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(
      listChannels()
        .map((c) => c.channel)
        .sort(),
    );
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('an unknown channel is refused', async () => {
    const { ipc } = setup();
    await expect(ipc.invoke('ks:people.delete', ours, {})).rejects.toThrow(/No handler/);
    await expect(ipc.invoke('ks:event', ours, {})).rejects.toThrow(/No handler/);
  });

  it('a valid call from our window reaches the handler', async () => {
    const { ipc } = setup();
    search.mockClear();
    const r = await ipc.invoke('ks:people.search', ours, { query: 'anna' });
    expect(r).toEqual({ ok: true, value: { people: [], hasMore: false, echo: 'anna' } });
    expect(search).toHaveBeenCalledTimes(1);
  });

  it('a wrong argument shape gets a validation error and never reaches the handler', async () => {
    const { ipc } = setup();
    search.mockClear();
    for (const bad of [
      undefined,
      null,
      'anna',
      42,
      [],
      { query: 5 },
      { query: 'a', extra: true },
      { query: 'x'.repeat(201) },
    ]) {
      const r = (await ipc.invoke('ks:people.search', ours, bad)) as {
        ok: boolean;
        error?: { kind: string; code: string };
      };
      expect(r.ok).toBe(false);
      expect(r.error).toMatchObject({ kind: 'validation', code: 'invalidArguments' });
    }
    // Wrong arity too.
    const r2 = await ipc.invoke('ks:people.search', ours, { query: 'a' }, { query: 'b' });
    expect(r2).toMatchObject({
      ok: false,
      error: { kind: 'validation', code: 'invalidArguments' },
    });
    const r3 = await ipc.invoke('ks:people.search', ours);
    expect(r3).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect(search).not.toHaveBeenCalled();
  });

  it('refuses other senders, subframes, destroyed frames and foreign origins', async () => {
    const { ipc, refused } = setup();
    search.mockClear();
    const cases: [InvokeEventLike, string][] = [
      [{ ...ours, sender: { id: OUR_ID + 1 } }, 'wrongSender'],
      [{ ...ours, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: {} } }, 'notMainFrame'],
      [{ ...ours, senderFrame: null }, 'notMainFrame'],
      [{ ...ours, senderFrame: { url: 'https://evil.example/', parent: null } }, 'wrongOrigin'],
      [{ ...ours, senderFrame: { url: 'file:///etc/passwd', parent: null } }, 'wrongOrigin'],
      [{ ...ours, senderFrame: { url: 'app://other/index.html', parent: null } }, 'wrongOrigin'],
    ];
    for (const [event, verdict] of cases) {
      expect(checkSender(event, { webContentsId: () => OUR_ID, origin: APP_ORIGIN })).toBe(verdict);
      const r = await ipc.invoke('ks:people.search', event, { query: 'a' });
      expect(r).toEqual({ ok: false, error: { kind: 'validation', code: 'untrustedSender' } });
    }
    expect(refused).toHaveLength(cases.length);
    expect(search).not.toHaveBeenCalled();
  });

  it('no window yet → every call refused', () => {
    expect(checkSender(ours, { webContentsId: () => undefined, origin: APP_ORIGIN })).toBe(
      'wrongSender',
    );
  });

  it('a throwing handler becomes a typed internal error, not a crash', async () => {
    const { ipc } = setup();
    const r = await ipc.invoke('ks:securityInfo.get', ours, { personId: '1' });
    expect(r).toEqual({ ok: false, error: { kind: 'internal', code: 'unexpected' } });
  });
});

describe('renderer origin', () => {
  it('is app://keystation when packaged, the loopback dev server in development', () => {
    expect(rendererOrigin(undefined)).toBe('app://keystation');
    expect(rendererOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(() => rendererOrigin('http://10.0.0.5:5173/')).toThrow();
  });
  it('matches scheme, host and port exactly', () => {
    expect(isRendererUrl('app://keystation/index.html#/people', APP_ORIGIN)).toBe(true);
    expect(isRendererUrl('app://keystation.evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isRendererUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isRendererUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
    expect(isRendererUrl('not a url', APP_ORIGIN)).toBe(false);
  });
});

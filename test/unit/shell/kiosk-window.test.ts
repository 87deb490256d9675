import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../main/api/settings';
import {
  isKioskPartition,
  kioskBlocksKey,
  kioskPartition,
  kioskWindowOptions,
  KioskWindows,
  type KioskWindowLike,
} from '../../../main/electron/kiosk';

const input = {
  preloadPath: '/app/out/preload/index.cjs',
  window: defaultSettings.window,
  title: 'Keystation',
  backgroundColor: '#000',
  partition: 'kiosk-0b7f9c1e-1111-4222-8333-944445555666',
};

describe('kioskWindowOptions', () => {
  it('is full screen with no way out: no frame, menu, close, minimise, resize or move', () => {
    const o = kioskWindowOptions(input);
    expect(o.kiosk).toBe(true);
    expect(o.fullscreen).toBe(true);
    expect(o.fullscreenable).toBe(false);
    expect(o.frame).toBe(false);
    expect(o.closable).toBe(false);
    expect(o.minimizable).toBe(false);
    expect(o.maximizable).toBe(false);
    expect(o.resizable).toBe(false);
    expect(o.movable).toBe(false);
    expect(o.autoHideMenuBar).toBe(true);
    expect(o.alwaysOnTop).toBe(true);
  });

  it('has no DevTools and keeps the hardened web preferences', () => {
    const web = kioskWindowOptions(input).webPreferences!;
    expect(web.devTools).toBe(false);
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.preload).toBe(input.preloadPath);
  });

  it("runs in the person's own in-memory partition, never a persistent one", () => {
    expect(kioskWindowOptions(input).webPreferences!.partition).toBe(input.partition);
    expect(() => kioskWindowOptions({ ...input, partition: 'persist:kiosk' })).toThrow();
    expect(() => kioskWindowOptions({ ...input, partition: '' })).toThrow();
    expect(() => kioskWindowOptions({ ...input, partition: 'default' })).toThrow();
  });
});

describe('kioskPartition', () => {
  it('is kiosk-<random>, in memory, and different every time', () => {
    const a = kioskPartition();
    const b = kioskPartition();
    expect(a).toMatch(/^kiosk-[0-9a-f-]{36}$/);
    expect(a.startsWith('persist:')).toBe(false);
    expect(isKioskPartition(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('refuses a random source that gives (almost) nothing', () => {
    expect(() => kioskPartition(() => '')).toThrow();
    expect(() => kioskPartition(() => '::::')).toThrow();
  });
});

describe('kioskBlocksKey', () => {
  const down = (key: string, mods: Record<string, boolean> = {}) => ({
    type: 'keyDown',
    key,
    ...mods,
  });
  it('swallows reload, DevTools, close, quit, history and full screen', () => {
    for (const k of [
      down('F5'),
      down('F11'),
      down('F12'),
      down('r', { control: true }),
      down('R', { control: true, shift: true }),
      down('I', { control: true, shift: true }),
      down('w', { control: true }),
      down('q', { meta: true }),
      down('F4', { alt: true }),
      down('ArrowLeft', { alt: true }),
      down('BrowserBack'),
      down('p', { control: true }),
      down('+', { control: true }),
    ]) {
      expect(kioskBlocksKey(k), JSON.stringify(k)).toBe(true);
    }
  });

  it('lets typing, Tab, Enter, Escape and arrows through', () => {
    for (const k of [
      down('a'),
      down('A', { shift: true }),
      down('Tab'),
      down('Enter'),
      down('Escape'),
      down('ArrowLeft'),
      down('@', { alt: true }),
      { type: 'keyUp', key: 'F5' },
    ]) {
      expect(kioskBlocksKey(k), JSON.stringify(k)).toBe(false);
    }
  });
});

describe('KioskWindows', () => {
  function fakeFactory() {
    const log: string[] = [];
    const cleared: string[] = [];
    return {
      log,
      cleared,
      factory: {
        open(partition: string): KioskWindowLike {
          log.push(`open ${partition}`);
          return {
            partition,
            show: () => log.push(`show ${partition}`),
            destroy: () => log.push(`destroy ${partition}`),
          };
        },
        async clear(partition: string) {
          cleared.push(partition);
        },
      },
    };
  }

  it('gives every person a fresh window on a fresh partition and clears the old one', async () => {
    const f = fakeFactory();
    let n = 0;
    const windows = new KioskWindows(f.factory, () => `kiosk-person-${++n}`);
    const first = windows.start();
    expect(first.partition).toBe('kiosk-person-1');
    const second = await windows.personDone();
    expect(second.partition).toBe('kiosk-person-2');
    expect(windows.current).toBe(second);
    // The new window is up before the old one goes: the desktop never shows in between.
    expect(f.log).toEqual([
      'open kiosk-person-1',
      'open kiosk-person-2',
      'show kiosk-person-2',
      'destroy kiosk-person-1',
    ]);
    expect(f.cleared).toEqual(['kiosk-person-1']);
    await windows.stop();
    expect(f.cleared).toEqual(['kiosk-person-1', 'kiosk-person-2']);
    expect(windows.current).toBeNull();
  });

  it('never reuses a partition, even when the random source repeats', async () => {
    const f = fakeFactory();
    const names = ['kiosk-aaaaaaaa', 'kiosk-aaaaaaaa', 'kiosk-bbbbbbbb'];
    const windows = new KioskWindows(f.factory, () => names.shift() ?? 'kiosk-zzzzzzzz');
    windows.start();
    const next = await windows.personDone();
    expect(next.partition).toBe('kiosk-bbbbbbbb');
    const stuck = new KioskWindows(fakeFactory().factory, () => 'kiosk-same-name');
    stuck.start();
    await expect(stuck.personDone()).rejects.toThrow();
  });

  it('a failing clear does not stop the rotation', async () => {
    const f = fakeFactory();
    const windows = new KioskWindows(
      { ...f.factory, clear: () => Promise.reject(new Error('disk')) },
      (() => {
        let n = 0;
        return () => `kiosk-n-${++n}-xxxxxxxx`;
      })(),
    );
    windows.start();
    await expect(windows.personDone()).resolves.toBeTruthy();
  });
});

describe('kiosk window and the fail-closed check', () => {
  it('passes the same required web preferences as the main window', async () => {
    const { insecureWebPreferences } = await import('../../../main/electron/window-options');
    const web = kioskWindowOptions(input).webPreferences as Record<string, unknown>;
    expect(insecureWebPreferences(web)).toEqual([]);
  });
});

/**
 * The desktop shell's decisions (main/electron/shell.ts, main/electron/kiosk.ts): which window
 * shows, when it switches while the app runs, and that trust and events follow the window on
 * screen — through a fresh kiosk window per person — and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { StationEventBus } from '../../../main/api/events';
import { MemorySettingsStore } from '../../../main/api/settings';
import { checkSender } from '../../../main/electron/ipc';
import {
  KioskWindows,
  rotateOnSessionEnd,
  type KioskWindowFactory,
} from '../../../main/electron/kiosk';
import { APP_ORIGIN } from '../../../main/electron/renderer-origin';
import {
  CurrentRenderer,
  observeSettings,
  shellChange,
  shellSurface,
  type RendererContents,
} from '../../../main/electron/shell';
import { EVENT_CHANNEL } from '../../../preload/contract';

class FakeContents implements RendererContents {
  destroyed = false;
  url = `${APP_ORIGIN}/index.html`;
  readonly sent: unknown[] = [];
  constructor(readonly id: number) {}
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, message: unknown) {
    this.sent.push([channel, message]);
  }
}

const from = (c: { id: number; url: string }) => ({
  sender: { id: c.id },
  senderFrame: { url: c.url, parent: null },
});

describe('shell surface', () => {
  it('the kiosk window shows with --kiosk or while kiosk mode is on', () => {
    expect(shellSurface({ kioskFlag: false, kioskSetting: false })).toBe('main');
    expect(shellSurface({ kioskFlag: false, kioskSetting: true })).toBe('kiosk');
    expect(shellSurface({ kioskFlag: true, kioskSetting: false })).toBe('kiosk');
    expect(shellChange('main', 'kiosk')).toBe('enterKiosk');
    expect(shellChange('kiosk', 'main')).toBe('leaveKiosk');
    expect(shellChange('main', 'main')).toBeNull();
    expect(shellChange('kiosk', 'kiosk')).toBeNull();
  });

  it('the station starting kiosk mode tells the shell; a listener failure changes nothing', () => {
    const store = new MemorySettingsStore({ firstRunComplete: true });
    const seen: [boolean, boolean][] = [];
    const settings = observeSettings(store, (before, after) => {
      seen.push([before.kiosk, after.kiosk]);
      throw new Error('window trouble');
    });
    expect(settings.update({ kiosk: true }).kiosk).toBe(true);
    expect(store.get().kiosk).toBe(true);
    expect(settings.get().kiosk).toBe(true);
    settings.update({ kiosk: false });
    expect(seen).toEqual([
      [false, true],
      [true, false],
    ]);
  });
});

describe('CurrentRenderer', () => {
  it('trusts and sends events only to the window on screen now', () => {
    const renderer = new CurrentRenderer(APP_ORIGIN);
    const main = new FakeContents(1);
    const kiosk = new FakeContents(2);
    expect(checkSender(from(main), renderer.trusted)).toBe('wrongSender');
    renderer.set(main);
    expect(checkSender(from(main), renderer.trusted)).toBe('trusted');
    renderer.sink('key.removed', { deviceId: 'usb-1' });
    expect(main.sent).toEqual([
      [EVENT_CHANNEL, { name: 'key.removed', payload: { deviceId: 'usb-1' } }],
    ]);

    // Kiosk mode started: the (hidden) main window is no longer trusted nor told anything.
    renderer.set(kiosk);
    expect(checkSender(from(main), renderer.trusted)).toBe('wrongSender');
    expect(checkSender(from(kiosk), renderer.trusted)).toBe('trusted');
    renderer.sink('key.removed', { deviceId: 'usb-2' });
    expect(main.sent).toHaveLength(1);
    expect(kiosk.sent).toHaveLength(1);

    // A window that closed after it was replaced does not drop its successor.
    renderer.release(main);
    expect(renderer.webContentsId()).toBe(2);
    // Navigated away or destroyed: nothing is sent, nothing trusted.
    kiosk.url = 'https://example.org/';
    renderer.sink('key.removed', { deviceId: 'usb-3' });
    expect(kiosk.sent).toHaveLength(1);
    kiosk.destroyed = true;
    expect(renderer.webContentsId()).toBeUndefined();
    renderer.release(kiosk);
    expect(renderer.contents).toBeNull();
  });
});

describe('kiosk window rotation', () => {
  function fakeFactory() {
    const log: string[] = [];
    let n = 0;
    const factory: KioskWindowFactory = {
      open(partition) {
        log.push(`open ${partition}`);
        return {
          partition,
          show: () => log.push(`show ${partition}`),
          destroy: () => log.push(`destroy ${partition}`),
        };
      },
      clear(partition) {
        log.push(`clear ${partition}`);
        return Promise.resolve();
      },
    };
    return { log, windows: new KioskWindows(factory, () => `kiosk-person-${++n}`) };
  }

  it('a fresh window per person on each session end; nothing after kiosk mode is left', async () => {
    const bus = new StationEventBus();
    const { log, windows } = fakeFactory();
    const detach = rotateOnSessionEnd(bus, windows);
    windows.start();
    bus.emit('key.removed', { deviceId: 'usb-1' });
    expect(log).toEqual(['open kiosk-person-1']);
    bus.emit('kiosk.sessionEnded', { reason: 'done' });
    await Promise.resolve();
    expect(log).toEqual([
      'open kiosk-person-1',
      'open kiosk-person-2',
      'show kiosk-person-2',
      'destroy kiosk-person-1',
      'clear kiosk-person-1',
    ]);
    expect(windows.current?.partition).toBe('kiosk-person-2');
    detach();
    await windows.stop();
    bus.emit('kiosk.sessionEnded', { reason: 'idle' });
    await Promise.resolve();
    expect(log.slice(5)).toEqual(['destroy kiosk-person-2', 'clear kiosk-person-2']);
    expect(windows.current).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../main/api/settings';
import {
  insecureWebPreferences,
  mainWindowOptions,
  type MainWindowInput,
} from '../../../main/electron/window-options';

const base: MainWindowInput = {
  preloadPath: '/app/out/preload/index.cjs',
  kiosk: false,
  development: false,
  window: defaultSettings.window,
  title: 'Keystation',
  backgroundColor: '#fff',
};

describe('mainWindowOptions', () => {
  it('locks the renderer down (Electron security checklist)', () => {
    const web = mainWindowOptions(base).webPreferences!;
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.preload).toBe(base.preloadPath);
    expect(web.enableBlinkFeatures).toBeUndefined();
  });

  it('has DevTools only in development', () => {
    expect(mainWindowOptions(base).webPreferences!.devTools).toBe(false);
    expect(mainWindowOptions({ ...base, development: true }).webPreferences!.devTools).toBe(true);
  });

  it('keeps the security settings whatever the other inputs', () => {
    for (const kiosk of [false, true]) {
      for (const development of [false, true]) {
        const web = mainWindowOptions({ ...base, kiosk, development }).webPreferences!;
        expect([web.contextIsolation, web.sandbox, web.nodeIntegration, web.webSecurity]).toEqual([
          true,
          true,
          false,
          true,
        ]);
      }
    }
  });

  it('kiosk: full screen, cannot be closed or minimised by the window controls', () => {
    const o = mainWindowOptions({ ...base, kiosk: true });
    expect(o.kiosk).toBe(true);
    expect(o.fullscreen).toBe(true);
    expect(o.closable).toBe(false);
    expect(o.minimizable).toBe(false);
    const normal = mainWindowOptions(base);
    expect(normal.kiosk).toBe(false);
    expect(normal.closable).toBe(true);
  });

  it('restores the saved bounds, position only when both coordinates are known', () => {
    const o = mainWindowOptions({
      ...base,
      window: { width: 1000, height: 700, x: 10, y: 20, maximized: false },
    });
    expect([o.width, o.height, o.x, o.y]).toEqual([1000, 700, 10, 20]);
    const noPos = mainWindowOptions({
      ...base,
      window: { width: 1000, height: 700, x: 10, maximized: false },
    });
    expect(noPos.x).toBeUndefined();
    expect(mainWindowOptions(base).show).toBe(false);
  });
});

describe('insecureWebPreferences', () => {
  it('accepts what mainWindowOptions produces', () => {
    expect(
      insecureWebPreferences(mainWindowOptions(base).webPreferences as Record<string, unknown>),
    ).toEqual([]);
  });
  it('names every weakened setting, and treats missing ones as insecure', () => {
    const weak = {
      ...mainWindowOptions(base).webPreferences,
      sandbox: false,
      nodeIntegration: true,
    };
    expect(insecureWebPreferences(weak as Record<string, unknown>).sort()).toEqual([
      'nodeIntegration',
      'sandbox',
    ]);
    expect(insecureWebPreferences(undefined)).toContain('contextIsolation');
  });
});

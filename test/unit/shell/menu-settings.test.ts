import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings, MemorySettingsStore, sanitizeSettings } from '../../../main/api/settings';
import { createFileSettingsStore } from '../../../main/browser-host/settings-store';
import { defaultDataDir } from '../../../main/browser-host/data-dir';
import { appMenuTemplate } from '../../../main/electron/menu';

describe('app menu', () => {
  it('kiosk mode has no menu at all', () => {
    expect(
      appMenuTemplate({ language: 'sv', kiosk: true, development: false, isMac: false }),
    ).toBeNull();
  });
  it('DevTools and reload only in development', () => {
    const roles = (dev: boolean) =>
      JSON.stringify(
        appMenuTemplate({ language: 'en', kiosk: false, development: dev, isMac: false }),
      );
    expect(roles(false)).not.toMatch(/toggleDevTools|"reload"/);
    expect(roles(true)).toMatch(/toggleDevTools/);
  });
  it('speaks the station language', () => {
    const sv = appMenuTemplate({ language: 'sv', kiosk: false, development: false, isMac: false })!;
    expect(sv.map((m) => m.label)).toContain('Arkiv');
  });
});

describe('settings', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('a fresh install is a demo station following the OS language', () => {
    expect(new MemorySettingsStore().get()).toEqual(defaultSettings);
    expect(defaultSettings.stationMode).toBe('demo');
    expect(defaultSettings.language).toBeNull();
  });

  it('bad fields fall back to defaults one by one', () => {
    const s = sanitizeSettings({
      language: 'fi',
      theme: 'dark',
      kiosk: 'yes',
      window: { width: 5 },
      stationMode: 'production',
    });
    expect(s.language).toBeNull();
    expect(s.theme).toBe('dark');
    expect(s.kiosk).toBe(false);
    expect(s.window).toEqual(defaultSettings.window);
    expect(s.stationMode).toBe('production');
    expect(sanitizeSettings('garbage')).toEqual(defaultSettings);
  });

  it('browser mode keeps settings in settings.json under the data dir, survives a corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-settings-'));
    dirs.push(dir);
    const store = createFileSettingsStore(dir);
    store.update({ language: 'en', theme: 'dark' });
    const onDisk = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(onDisk.language).toBe('en');
    expect(createFileSettingsStore(dir).get().theme).toBe('dark');
    writeFileSync(join(dir, 'settings.json'), '{not json');
    expect(createFileSettingsStore(dir).get()).toEqual(defaultSettings);
  });

  it('the default data dir is where Electron keeps userData for "Keystation"', () => {
    expect(defaultDataDir({}, 'linux', '/home/a')).toBe('/home/a/.config/Keystation');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a')).toBe('/x/Keystation');
    expect(defaultDataDir({}, 'darwin', '/Users/a')).toBe(
      '/Users/a/Library/Application Support/Keystation',
    );
    expect(
      defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a'),
    ).toContain('Keystation');
  });
});

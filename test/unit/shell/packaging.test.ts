/**
 * electron-builder.yml against electron-builder's own schema (what `npm run dist` checks first),
 * plus what the issue asks of the packages. Packaging itself needs the Electron runtime.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

type Target = string | { target: string };
interface BuilderConfig {
  files: string[];
  npmRebuild: boolean;
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  linux: { target: Target[]; icon: string };
  win: { target: Target[]; requestedExecutionLevel: string };
  mac: { target: Target[]; entitlements: string };
  deb: { afterInstall: string; afterRemove: string };
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const targets = (list: Target[]) => list.map((t) => (typeof t === 'string' ? t : t.target));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('a wrong option is caught by the same check (the test can fail)', async () => {
    await expect(
      validateConfiguration({ ...config, linux: { tagret: ['AppImage'] } }, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('builds AppImage + deb, NSIS and dmg', () => {
    expect(targets(config.linux.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(config.win.target)).toEqual(['nsis']);
    expect(targets(config.mac.target)).toEqual(['dmg']);
  });

  it('rebuilds the native modules for Electron and keeps them outside the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack.join(' ')).toMatch(/better-sqlite3/);
    expect(config.asarUnpack.join(' ')).toMatch(/node-hid/);
  });

  it('ships the udev rule and installs it from the deb; Windows runs elevated for raw HID', () => {
    const rule = config.extraResources.find((r) => r.from === 'build/70-fido-keys.rules');
    expect(rule).toBeDefined();
    const text = readFileSync(join(root, rule!.from), 'utf8');
    expect(text).toMatch(/KERNEL!="hidraw\*"/);
    expect(text).toMatch(/ID_SECURITY_TOKEN/);
    expect(text).toMatch(/TAG\+="uaccess"/);
    const postinst = readFileSync(join(root, config.deb.afterInstall), 'utf8');
    expect(postinst).toContain(`resources/${rule!.to}`);
    expect(config.win.requestedExecutionLevel).toBe('requireAdministrator');
    for (const file of [config.linux.icon, config.mac.entitlements, config.deb.afterRemove]) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(statSync(join(root, config.deb.afterInstall)).mode & 0o111).not.toBe(0);
  });

  it('packs the built app, whose entry is package.json "main"', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('./out/main/index.js');
    expect(config.files).toContain('out/**');
  });
});

/**
 * The station key's location (docs/SECURITY-REVIEW.md "The station key"): a key file outside
 * the data directory by default, refused inside it unless allowed, an old in-data-dir key met
 * with the way to move it; and what a copy of the data directory alone can open.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultKeyFile,
  fileKeySealer,
  KeyLocationRefused,
  stationKeyFile,
} from '../../../main/api/station-key';
import { parseServeArgs, serve } from '../../../main/browser-host/cli';
import { openStation } from '../../../main/station/index';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ks-key-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the station key file', () => {
  it('defaults to the user config directory, beside (not inside) the default data directory', () => {
    expect(defaultKeyFile({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/a')).toBe(
      '/cfg/Keystation-keys/station.key',
    );
    expect(defaultKeyFile({}, 'linux', '/home/a')).toBe(
      '/home/a/.config/Keystation-keys/station.key',
    );
    expect(defaultKeyFile({}, 'darwin', '/Users/a')).toBe(
      '/Users/a/Library/Application Support/Keystation-keys/station.key',
    );
    expect(
      defaultKeyFile({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32', 'C:\\Users\\a'),
    ).toContain('Keystation-keys');
  });

  it('is refused inside the data directory (also through a symlink) unless allowed', () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    symlinkSync(dataDir, join(root, 'link'));
    for (const keyFile of [
      join(dataDir, 'station.key'),
      join(dataDir, 'keys', 'k'),
      join(root, 'link', 'station.key'),
    ]) {
      expect(() => stationKeyFile({ dataDir, keyFile })).toThrow(KeyLocationRefused);
      expect(stationKeyFile({ dataDir, keyFile, allowKeyInDataDir: true })).toBe(keyFile);
    }
    expect(stationKeyFile({ dataDir, keyFile: join(root, 'data-keys', 'k') })).toBe(
      join(root, 'data-keys', 'k'),
    );
    expect(stationKeyFile({ dataDir }, join(root, 'cfg', 'station.key'))).toBe(
      join(root, 'cfg', 'station.key'),
    );
  });

  it('an old key still in the data directory: refused with how to move it, then found there', () => {
    const dataDir = join(root, 'data');
    const keyFile = join(root, 'cfg', 'station.key');
    // A station from before kept its key next to the registry.
    openStation({ dataDir }).close();
    expect(existsSync(join(dataDir, 'station.key'))).toBe(true);
    expect(() => stationKeyFile({ dataDir, keyFile })).toThrow(/mv ".*station\.key" ".*cfg/);
    // Moved as the message says, the same registry opens with it.
    mkdirSync(join(root, 'cfg'));
    renameSync(join(dataDir, 'station.key'), keyFile);
    const s = openStation({ dataDir, secretSealer: fileKeySealer({ dataDir, keyFile }) });
    expect(s.audit.verify().ok).toBe(true);
    s.close();
  });

  it('made with mode 0600 outside the data directory; a copy of the data directory alone opens nothing', () => {
    const dataDir = join(root, 'data');
    const keyFile = join(root, 'cfg', 'station.key');
    const s = openStation({ dataDir, secretSealer: fileKeySealer({ dataDir, keyFile }) });
    s.close();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'station.key'))).toBe(false);
    // The copy, on another machine, with a key file of its own: the station key won't unseal.
    const otherKey = join(root, 'elsewhere', 'station.key');
    expect(() =>
      openStation({ dataDir, secretSealer: fileKeySealer({ dataDir, keyFile: otherKey }) }),
    ).toThrow();
  });

  it('browser mode refuses to start with the key inside the data directory unless told so', async () => {
    const dataDir = join(root, 'data');
    const inside = ['--data-dir', dataDir, '--key-file', join(dataDir, 'station.key')];
    await expect(serve(parseServeArgs(inside, {}), join(root, 'r'), 'test')).rejects.toThrow(
      KeyLocationRefused,
    );
    expect(existsSync(join(dataDir, 'registry.sqlite'))).toBe(false);
    const allowed = await serve(
      parseServeArgs([...inside, '--allow-key-in-data-dir'], {}),
      join(root, 'r'),
      'test',
    );
    await allowed.stop();
    expect(existsSync(join(dataDir, 'station.key'))).toBe(true);
  });
});

/**
 * Where the key that seals the station key lives (docs/SECURITY-REVIEW.md "The station key"):
 * never next to the registry, so a copy of the data directory decrypts nothing and can't
 * re-chain the audit log. The desktop app seals with the OS keystore (main/electron/
 * safe-storage-sealer.ts); browser mode, servers and a desktop without a keystore use a 0600 key
 * file outside the data directory — `--key-file`, by default in the user's config directory.
 * The checks are pure (paths in, a decision out) and unit-tested.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isInsideDir } from '../station/paths';
import { FileKeySealer, KEY_FILE, type SecretSealer } from '../station';

/** The default key file: `Keystation-keys/station.key` in the user's config directory. */
export function defaultKeyFile(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const configHome =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : env.XDG_CONFIG_HOME || join(home, '.config');
  return join(configHome, 'Keystation-keys', KEY_FILE);
}

/** The station refuses to start: the message says why and what to do. */
export class KeyLocationRefused extends Error {
  override readonly name = 'KeyLocationRefused';
}

export interface KeyLocationInput {
  readonly dataDir: string;
  /** `--key-file`; default `defaultKeyFile()`. */
  readonly keyFile?: string;
  /** `--allow-key-in-data-dir`: accept a key file inside the data directory (tests, demos). */
  readonly allowKeyInDataDir?: boolean;
}

/**
 * The key file to use, or a refusal: a key file inside the data directory (unless allowed), or
 * an old key still in the data directory while the new location has none (then the station
 * would make a new key that can't open the registry — the message says how to move it).
 */
export function stationKeyFile(input: KeyLocationInput, fallback = defaultKeyFile()): string {
  const keyFile = input.keyFile ?? fallback;
  const inside = isInsideDir(keyFile, input.dataDir);
  if (inside && !input.allowKeyInDataDir) {
    throw new KeyLocationRefused(
      `The station key file ${keyFile} is inside the data directory ${input.dataDir}: a copy of ` +
        'the data directory would carry the key that opens it. Choose a key file elsewhere ' +
        '(--key-file), or start with --allow-key-in-data-dir to accept the risk (tests, demos).',
    );
  }
  const old = join(input.dataDir, KEY_FILE);
  if (!inside && existsSync(old) && !existsSync(keyFile)) {
    throw new KeyLocationRefused(
      `The station key is still in the data directory (${old}). Move it out once, then start ` +
        `again:\n  mkdir -p "${join(keyFile, '..')}" && mv "${old}" "${keyFile}" && chmod 600 "${keyFile}"\n` +
        `(or start with --key-file "${old}" --allow-key-in-data-dir to keep it where it is).`,
    );
  }
  return keyFile;
}

/** The file sealer for a host without an OS keystore, after the location checks. */
export function fileKeySealer(input: KeyLocationInput, fallback?: string): SecretSealer {
  return new FileKeySealer(stationKeyFile(input, fallback));
}

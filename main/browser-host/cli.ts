/**
 * `npm run serve -- --port <port> --data-dir <dir> [--demo] [--host <addr>] [--allow-remote]
 *                   [--stop-after <seconds>] [--extra-links <n>] [--audit-anchor <dir>]
 *                   [--key-file <file>] [--allow-key-in-data-dir]`
 * The key that seals the station key is a 0600 file outside the data directory: `--key-file`,
 * by default in the user's config directory (main/api/station-key.ts).
 * Starts the station in browser mode and prints one line with the full URL (its one-time
 * launch token included) once it is ready; `--extra-links` prints n more one-time URLs first
 * (scripted clients and tests that open several browsers or sockets). Runs until SIGINT/SIGTERM (or --stop-after, which tests use so a server
 * they start always stops by itself).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { openStationHost } from '../api';
import { stationEnvironment, type StationEnvironment } from '../api/station-host';
import { fileKeySealer } from '../api/station-key';
import { isInsideDir } from '../station/paths';
import { defaultDataDir } from './data-dir';
import { startBrowserHost, type RunningBrowserHost } from './server';
import { createFileSettingsStore } from './settings-store';

export interface ServeArgs {
  port: number;
  host: string;
  dataDir: string;
  demo: boolean;
  allowRemote: boolean;
  stopAfterSeconds: number | null;
  /** More one-time launch URLs to print before the ready line. */
  extraLinks: number;
  /** Where the audit log's signed checkpoints go (outside the data directory). */
  auditAnchorDir: string | null;
  /** The station key file; null: the default in the user's config directory. */
  keyFile: string | null;
  allowKeyInDataDir: boolean;
  /** Test and demo settings from the environment (main/api/station-host.ts), read here once. */
  station: StationEnvironment;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  const args: ServeArgs = {
    port: 0,
    host: '127.0.0.1',
    dataDir: defaultDataDir(env),
    demo: false,
    allowRemote: false,
    stopAfterSeconds: null,
    extraLinks: 0,
    auditAnchorDir: null,
    keyFile: null,
    allowKeyInDataDir: false,
    station: stationEnvironment(env),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i += 1;
      return v;
    };
    switch (flag) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError('--port must be 0–65535');
        args.port = port;
        break;
      }
      case '--host':
        args.host = value();
        break;
      case '--data-dir':
        args.dataDir = resolve(value());
        break;
      case '--demo':
        args.demo = true;
        break;
      case '--allow-remote':
        args.allowRemote = true;
        break;
      case '--stop-after': {
        const s = Number(value());
        if (!Number.isFinite(s) || s <= 0)
          throw new UsageError('--stop-after must be a positive number of seconds');
        args.stopAfterSeconds = s;
        break;
      }
      case '--extra-links': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 10_000)
          throw new UsageError('--extra-links must be 0–10000');
        args.extraLinks = n;
        break;
      }
      case '--key-file':
        args.keyFile = resolve(value());
        break;
      case '--allow-key-in-data-dir':
        args.allowKeyInDataDir = true;
        break;
      case '--audit-anchor':
        args.auditAnchorDir = resolve(value());
        break;
      case '--open':
      case '--no-open':
        break; // handled by scripts/start.mjs
      default:
        throw new UsageError(`Unknown option ${flag}`);
    }
  }
  if (args.auditAnchorDir && isInsideDir(args.auditAnchorDir, args.dataDir)) {
    throw new UsageError(
      '--audit-anchor must be outside the data directory (a copy of the data directory must not carry its own anchor)',
    );
  }
  return args;
}

export interface ServeResult {
  running: RunningBrowserHost;
  stop(): Promise<void>;
}

export async function serve(
  args: ServeArgs,
  rendererDir: string,
  version: string,
): Promise<ServeResult> {
  mkdirSync(args.dataDir, { recursive: true });
  // Refuses a key file inside the data directory (unless allowed) before anything is opened.
  const secretSealer = fileKeySealer({
    dataDir: args.dataDir,
    allowKeyInDataDir: args.allowKeyInDataDir,
    ...(args.keyFile ? { keyFile: args.keyFile } : {}),
  });
  const settings = createFileSettingsStore(args.dataDir);
  if (args.demo) settings.update({ stationMode: 'demo' });
  const station = await openStationHost({
    dataDir: args.dataDir,
    demo: settings.get().stationMode === 'demo',
    settings,
    host: 'browser',
    version,
    ...args.station,
    secretSealer,
    ...(args.auditAnchorDir ? { auditAnchorDir: args.auditAnchorDir } : {}),
  });
  let running: RunningBrowserHost;
  try {
    running = await startBrowserHost({
      host: args.host,
      port: args.port,
      allowRemote: args.allowRemote,
      rendererDir,
      station,
    });
  } catch (e) {
    await station.close();
    throw e;
  }
  let stopped = false;
  return {
    running,
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.close();
      await station.close();
    },
  };
}

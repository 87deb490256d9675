/**
 * The serve command's process: parse arguments, start, print the URL line, stop on a signal
 * or after --stop-after. Used by scripts/serve.mjs and scripts/start.mjs (browser mode).
 */
import { parseServeArgs, serve, UsageError } from './cli';
import { KeyLocationRefused } from '../api/station-key';
import { RemoteBindRefused } from './server';

export interface RunOptions {
  rendererDir: string;
  version: string;
  /** Called with the URL once the station is ready (start.mjs opens Chromium here). */
  onReady?(url: string, dataDir: string): void;
}

export async function runServeCommand(argv: string[], options: RunOptions): Promise<void> {
  let args;
  try {
    args = parseServeArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`keystation: ${e.message}`);
      console.error(
        'usage: npm run serve -- [--port <port>] [--data-dir <dir>] [--demo] [--host <addr> --allow-remote] [--stop-after <seconds>] [--extra-links <n>] [--audit-anchor <dir>] [--key-file <file>] [--allow-key-in-data-dir]',
      );
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  let result;
  try {
    result = await serve(args, options.rendererDir, options.version);
  } catch (e) {
    if (
      e instanceof RemoteBindRefused ||
      e instanceof KeyLocationRefused ||
      (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ) {
      console.error(`keystation: ${(e as Error).message}`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
  const { running, stop } = result;
  const shutdown = () => {
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  if (args.stopAfterSeconds !== null) {
    setTimeout(shutdown, args.stopAfterSeconds * 1000).unref();
  }
  for (let i = 0; i < args.extraLinks; i += 1) {
    console.log(`Keystation one-time link: ${running.newLaunchUrl()}`);
  }
  // The one line scripts and tests wait for.
  console.log(`Keystation is ready at ${running.url}`);
  options.onReady?.(running.url, args.dataDir);
}

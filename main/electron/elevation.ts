/**
 * "Restart as administrator" (docs/KEYS.md "Windows"): since Windows 10 1903 only elevated
 * processes may open FIDO keys over raw HID. The packaged app asks for elevation
 * (`requestedExecutionLevel`); a station still running without it — started from a shell, or
 * the UAC prompt was refused — offers to start itself again elevated. This module is the pure
 * part (no Electron): whether to offer it, how the elevation is checked, and the PowerShell
 * `Start-Process -Verb RunAs` command line with every argument quoted.
 */
import { execFile } from 'node:child_process';

/** What the Electron host gives main/api (main/api/station-host.ts HostElevation). */
export interface Elevation {
  canRestartElevated(): Promise<boolean>;
  restartElevated(): Promise<void>;
}

/** Runs a program; resolves with its exit code (non-zero or a spawn failure: not 0). */
export type Runner = (file: string, args: readonly string[]) => Promise<number>;

export const runProgram: Runner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { timeout: 60_000, windowsHide: true }, (error) =>
      resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
    );
  });

/** `net session` succeeds only in an elevated process (the usual check without native code). */
export async function isElevated(platform: NodeJS.Platform, run: Runner): Promise<boolean> {
  if (platform !== 'win32') return true;
  return (await run('net', ['session'])) === 0;
}

/** Offer "Restart as administrator" only on Windows, and only when not elevated already. */
export async function shouldOfferElevation(
  platform: NodeJS.Platform,
  run: Runner,
): Promise<boolean> {
  return platform === 'win32' && !(await isElevated(platform, run));
}

/** A PowerShell single-quoted string: only `'` is special, and it doubles. */
export function psQuote(value: string): string {
  if (/[\0\r\n]/.test(value)) throw new Error('an argument with a line break or NUL');
  return `'${value.replace(/['‘’‚‛]/g, (q) => q + q)}'`;
}

/**
 * The command that starts `execPath` with `args` elevated (UAC prompt): PowerShell's
 * Start-Process -Verb RunAs. It exits non-zero when the person refuses the prompt.
 */
export function elevatedRelaunch(
  execPath: string,
  args: readonly string[],
): { file: string; args: string[] } {
  const argumentList =
    args.length > 0 ? ` -ArgumentList @(${args.map((a) => psQuote(a)).join(', ')})` : '';
  return {
    file: 'powershell.exe',
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-Command',
      `Start-Process -FilePath ${psQuote(execPath)}${argumentList} -Verb RunAs -ErrorAction Stop`,
    ],
  };
}

/**
 * The Electron host's elevation: `release` gives up the single-instance lock so the elevated
 * copy may start, `quit` ends this one once it did; a refused prompt takes the lock back.
 */
export function windowsElevation(opts: {
  platform: NodeJS.Platform;
  execPath: string;
  args: readonly string[];
  run?: Runner;
  release(): void;
  reacquire(): void;
  quit(): void;
}): Elevation {
  const run = opts.run ?? runProgram;
  return {
    canRestartElevated: () => shouldOfferElevation(opts.platform, run),
    async restartElevated() {
      if (!(await shouldOfferElevation(opts.platform, run)))
        throw new Error('not a Windows station without elevation');
      const command = elevatedRelaunch(opts.execPath, opts.args);
      opts.release();
      const code = await run(command.file, command.args);
      if (code !== 0) {
        opts.reacquire();
        throw new Error('the administrator prompt was refused');
      }
      opts.quit();
    },
  };
}

/** `keystation-key` arguments: global options, then `<command> [sub] [arg]` and its flags. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Args {
  positional: string[];
  device?: string;
  json: boolean;
  rk: boolean;
  uv: boolean;
  yes: boolean;
  help: boolean;
  /** reset: send at once (the key was plugged in just now), no remove / re-insert guidance. */
  now: boolean;
  rp: string[];
  user?: string;
  displayName?: string;
  name?: string;
  cred?: string;
  timeoutMs?: number;
  /** A FIDO metadata (MDS3) BLOB file for model names and unsafe-model warnings. */
  mds?: string;
  /** The PEM root the BLOB must chain to (default: the FIDO Alliance roots). */
  mdsRoot?: string;
}

const PIN_FLAGS = new Set(['--pin', '--new-pin', '--current-pin']);

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    positional: [],
    json: false,
    rk: false,
    uv: false,
    yes: false,
    help: false,
    now: false,
    rp: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (PIN_FLAGS.has(a.split('=')[0])) {
      throw new UsageError(
        'PINs are never taken from arguments: you will be prompted (or pipe them on stdin).',
      );
    }
    switch (a) {
      case '--device':
      case '-d':
        args.device = value();
        break;
      case '--json':
        args.json = true;
        break;
      case '--rk':
        args.rk = true;
        break;
      case '--uv':
        args.uv = true;
        break;
      case '--yes':
      case '-y':
        args.yes = true;
        break;
      case '--now':
        args.now = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--rp':
        args.rp.push(value());
        break;
      case '--user':
        args.user = value();
        break;
      case '--display-name':
        args.displayName = value();
        break;
      case '--name':
        args.name = value();
        break;
      case '--cred':
        args.cred = value();
        break;
      case '--mds':
        args.mds = value();
        break;
      case '--mds-root':
        args.mdsRoot = value();
        break;
      case '--timeout': {
        const n = Number(value());
        if (!Number.isFinite(n) || n <= 0) throw new UsageError('--timeout takes seconds');
        args.timeoutMs = n * 1000;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        args.positional.push(a);
    }
  }
  if (args.mdsRoot !== undefined && args.mds === undefined)
    throw new UsageError('--mds-root goes with --mds <blob file>');
  return args;
}

export function need<T>(v: T | undefined, what: string): T {
  if (v === undefined || v === '') throw new UsageError(`missing ${what}`);
  return v;
}

/**
 * `keystation-key`: the fido2-token / ykman of this project, over the same native/ stack (and
 * the same KeyManager) the station uses. One module per command group under commands/; this
 * file is the table and the exit codes: 0 ok, 1 usage, 2 CtapError, 3 TransportError, 4 other.
 */
import { UsageError, parseArgs, type Args } from './args';
import type { CliCommand } from './commands/command';
import { config } from './commands/config';
import { creds } from './commands/creds';
import { info, list, select, wink } from './commands/devices';
import { fingerprints } from './commands/fingerprints';
import { changePin, retries, setPin } from './commands/pin';
import { reset } from './commands/reset';
import { getAssertion, makeCredential } from './commands/webauthn';
import { errorExitCode, errorMessage } from './errors';
import { PinInput } from './pinInput';
import { Session, type CliIo } from './session';
import { CtapError } from '../ctap2/status';
import { TransportError } from '../errors';

export { UsageError, parseArgs } from './args';
export type { CliIo } from './session';

/** The command table: first word → module. */
export const COMMANDS: readonly CliCommand[] = [
  list,
  info,
  wink,
  select,
  retries,
  setPin,
  changePin,
  makeCredential,
  getAssertion,
  creds,
  config,
  fingerprints,
  reset,
];

const byName = new Map(COMMANDS.map((c) => [c.name, c]));

export const USAGE = `Usage: keystation-key [--device <number | hid path | udp:host:port>] [--json] [--timeout <s>]
                      [--mds <metadata BLOB> [--mds-root <root PEM>]] <command>

Commands:
${COMMANDS.flatMap((c) => c.usage.map((u) => `  ${u}`)).join('\n')}

With several keys plugged in and no --device, you are asked to touch the one you want.
--mds: a FIDO metadata (MDS3) BLOB, verified against --mds-root or the FIDO Alliance roots,
names the models and warns about models it reports as revoked or compromised.
PINs are read from a hidden prompt, or one per line from stdin; never from arguments.
Exit codes: 0 ok, 1 usage, 2 key error (CTAP), 3 communication error, 4 other.`;

async function run(args: Args, session: Session): Promise<void> {
  const [name, sub, arg] = args.positional;
  const command = byName.get(name);
  if (!command) throw new UsageError(name ? `unknown command "${name}"\n\n${USAGE}` : USAGE);
  await command.run(session, sub, arg);
}

/** Run the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.err((e as Error).message);
    return 1;
  }
  if (args.help || args.positional.length === 0) {
    (args.help ? io.out : io.err)(USAGE);
    return args.help ? 0 : 1;
  }
  const session = new Session(args, io);
  const onSigint = (): void => session.controller.abort();
  process.once('SIGINT', onSigint);
  try {
    await session.loadMetadata();
    await run(args, session);
    return 0;
  } catch (e) {
    const message = errorMessage(e, session.opened?.pinRules());
    if (args.json)
      io.out(
        JSON.stringify({
          error: {
            kind: (e as Error)?.name,
            message,
            ...(e instanceof CtapError ? { status: e.status, code: e.code } : {}),
            ...(e instanceof TransportError ? { code: e.code } : {}),
          },
        }),
      );
    io.err(message);
    return errorExitCode(e);
  } finally {
    process.off('SIGINT', onSigint);
    await session.close();
  }
}

const isEntry =
  process.argv[1] !== undefined &&
  /keystation-key(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  const pins = new PinInput();
  const code = await main(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    pins,
  });
  process.exitCode = code;
  // stdin may hold the event loop open when PINs were piped in
  process.stdin.destroy();
}

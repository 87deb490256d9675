/**
 * `keystation-key`: the fido2-token / ykman of this project, over the same native/ stack the
 * station uses. Exit codes: 0 ok, 1 usage, 2 CtapError, 3 TransportError, 4 other.
 */
import { randomBytes } from 'node:crypto';
import {
  CtapError,
  TransportError,
  authenticatorInfoToJson,
  checkPinRules,
  createCredential,
  fromBase64Url,
  getCredential,
  listDevices,
  openAuthenticator,
  toBase64Url,
  type Ctap2,
  type HidDeviceDescriptor,
  type KeepaliveState,
  type Permission,
  type PinUvAuthToken,
  type StoredCredential,
  type StoredRp,
} from '../index';
import { CliInputError, PinInput } from './pinInput';
import { ctapErrorMessage, transportErrorMessage } from './messages';

export const USAGE = `Usage: keystation-key [--device <hid path | udp:host:port>] [--json] <command>

Commands:
  list                                  FIDO security keys attached
  info                                  the key's getInfo
  wink                                  make the key blink
  retries                               PIN retries left
  set-pin                               set the first PIN
  change-pin                            change the PIN
  make-credential --rp <id> --user <name> [--display-name <text>] [--rk] [--uv]
  get-assertion --rp <id> [--cred <credential id, base64url>] [--uv]
  creds list                            discoverable credentials (needs the PIN)
  creds delete <credential id>          delete one (needs the PIN)
  config min-pin-length <n> [--rp <id>]...
  config force-pin-change
  config always-uv                      toggle alwaysUv
  reset [--yes]                         wipe the key (touch within 10 s of plug-in)

PINs are read from a hidden prompt, or one per line from stdin; never from arguments.
Exit codes: 0 ok, 1 usage, 2 key error (CTAP), 3 communication error, 4 other.`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Args {
  positional: string[];
  device?: string;
  json: boolean;
  rk: boolean;
  uv: boolean;
  yes: boolean;
  help: boolean;
  rp: string[];
  user?: string;
  displayName?: string;
  cred?: string;
  timeoutMs?: number;
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
      case '--cred':
        args.cred = value();
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
  return args;
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  pins: PinInput;
  /** Test seam: replaces node-hid enumeration. */
  listDevices?: () => Promise<HidDeviceDescriptor[]>;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64Url(value);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  return value;
}

class Session {
  private ctap: Ctap2 | undefined;
  private touchShown = false;
  readonly controller = new AbortController();

  constructor(
    private readonly args: Args,
    private readonly io: CliIo,
  ) {}

  print(human: string | (() => string), json: unknown): void {
    if (this.args.json) this.io.out(JSON.stringify(json, jsonReplacer, 2));
    else this.io.out(typeof human === 'string' ? human : human());
  }

  get options() {
    return {
      signal: this.controller.signal,
      timeoutMs: this.args.timeoutMs,
      onKeepalive: (s: KeepaliveState) => {
        if (s === 'up-needed' && !this.touchShown) {
          this.touchShown = true;
          this.io.err('Touch your security key…');
        }
      },
    };
  }

  async devices(): Promise<HidDeviceDescriptor[]> {
    return (this.io.listDevices ?? (() => listDevices()))();
  }

  async open(): Promise<Ctap2> {
    if (this.ctap) return this.ctap;
    let target = this.args.device;
    if (!target) {
      const found = await this.devices();
      if (found.length === 0)
        throw new UsageError(
          'No security key found. Insert one, or pass --device <path | udp:host:port>.',
        );
      if (found.length > 1) {
        throw new UsageError(
          `Several keys found; choose one with --device:\n${found.map((d) => `  ${d.path}  ${d.product ?? ''}`).join('\n')}`,
        );
      }
      target = found[0].path;
    }
    this.ctap = await openAuthenticator(target, { signal: this.controller.signal });
    return this.ctap;
  }

  async pin(prompt = 'PIN: '): Promise<string> {
    return this.io.pins.read(prompt);
  }

  async token(permissions: Permission[], rpId?: string): Promise<PinUvAuthToken> {
    const ctap = await this.open();
    if (ctap.info.options.clientPin !== true)
      throw new UsageError('No PIN is set on this key. Run: keystation-key set-pin');
    return ctap.clientPin.getPinToken(await this.pin(), { permissions, rpId }, this.options);
  }

  async newPin(ctap: Ctap2, prompt: string): Promise<string> {
    const pin = await this.pin(prompt);
    const rule = checkPinRules(pin, ctap.info.minPinLength);
    if (rule === 'too-short')
      throw new UsageError(
        `The PIN must have at least ${Math.max(4, ctap.info.minPinLength)} characters.`,
      );
    if (rule === 'too-long') throw new UsageError('The PIN must be at most 63 bytes.');
    if (this.io.pins.interactive && (await this.pin('Repeat the new PIN: ')) !== pin) {
      throw new UsageError('The PINs do not match.');
    }
    return pin;
  }

  async close(): Promise<void> {
    await this.ctap?.close().catch(() => undefined);
  }
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined || v === '') throw new UsageError(`missing ${what}`);
  return v;
}

async function run(args: Args, io: CliIo, s: Session): Promise<void> {
  const [command, sub, arg] = args.positional;
  switch (command) {
    case 'list': {
      const devices = args.device
        ? [{ path: args.device, kind: args.device.startsWith('udp:') ? 'udp' : 'usb' }]
        : await s.devices();
      s.print(
        () =>
          devices.length === 0
            ? 'No security key found.'
            : devices
                .map((d) => {
                  const h = d as HidDeviceDescriptor;
                  const ids =
                    h.vendorId !== undefined
                      ? ` ${h.vendorId.toString(16).padStart(4, '0')}:${(h.productId ?? 0).toString(16).padStart(4, '0')}`
                      : '';
                  return `${h.path}${ids}  ${[h.manufacturer, h.product].filter(Boolean).join(' ')}`.trimEnd();
                })
                .join('\n'),
        devices,
      );
      return;
    }
    case 'info': {
      const ctap = await s.open();
      const info = ctap.info;
      const d = ctap.device;
      s.print(
        () =>
          [
            `AAGUID              ${info.aaguid}`,
            `Versions            ${info.versions.join(', ')}`,
            `Extensions          ${info.extensions.join(', ') || '-'}`,
            `Options             ${Object.entries(info.options)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`,
            `PIN/UV protocols    ${info.pinUvAuthProtocols.join(', ') || '-'}`,
            `Max message size    ${info.maxMsgSize}`,
            `Min PIN length      ${info.minPinLength}${info.forcePinChange ? ' (PIN change required)' : ''}`,
            `Algorithms          ${info.algorithms.map((a) => a.alg).join(', ')}`,
            ...(info.remainingDiscoverableCredentials !== undefined
              ? [`Free passkey slots  ${info.remainingDiscoverableCredentials}`]
              : []),
            ...(info.firmwareVersion !== undefined
              ? [`Firmware            ${info.firmwareVersion}`]
              : []),
            `CTAPHID             v${d.ctaphidVersion}, device ${d.deviceVersion.major}.${d.deviceVersion.minor}.${d.deviceVersion.build}, wink=${d.capabilities.wink}`,
          ].join('\n'),
        authenticatorInfoToJson(info),
      );
      return;
    }
    case 'wink': {
      await (await s.open()).device.wink(s.options);
      s.print('The key blinked.', { ok: true });
      return;
    }
    case 'retries': {
      const ctap = await s.open();
      const r = await ctap.clientPin.getRetries(s.options);
      s.print(
        `PIN retries left: ${r.retries}${r.powerCycleRequired ? ' (re-insert the key before the next try)' : ''}`,
        r,
      );
      return;
    }
    case 'set-pin': {
      const ctap = await s.open();
      if (ctap.info.options.clientPin === true)
        throw new UsageError('A PIN is already set. Use change-pin.');
      await ctap.clientPin.setPin(await s.newPin(ctap, 'New PIN: '), s.options);
      s.print('PIN set.', { ok: true });
      return;
    }
    case 'change-pin': {
      const ctap = await s.open();
      const current = await s.pin('Current PIN: ');
      await ctap.clientPin.changePin(current, await s.newPin(ctap, 'New PIN: '), s.options);
      s.print('PIN changed.', { ok: true });
      return;
    }
    case 'make-credential': {
      const rp = need(args.rp[0], '--rp <id>');
      const userName = need(args.user, '--user <name>');
      const ctap = await s.open();
      const hasPin = ctap.info.options.clientPin === true;
      const reg = await createCredential(
        ctap,
        {
          rp: { id: rp, name: rp },
          user: {
            id: toBase64Url(new Uint8Array(randomBytes(16))),
            name: userName,
            displayName: args.displayName ?? userName,
          },
          challenge: toBase64Url(new Uint8Array(randomBytes(32))),
          pubKeyCredParams: [
            { type: 'public-key', alg: -7 },
            { type: 'public-key', alg: -8 },
          ],
          authenticatorSelection: {
            residentKey: args.rk ? 'required' : 'discouraged',
            userVerification: args.uv || hasPin ? 'required' : 'discouraged',
          },
          attestation: 'direct',
          extensions: { credProps: true } as never,
        },
        { origin: `https://${rp}`, pin: hasPin ? await s.pin() : undefined, ...s.options },
      );
      s.print(
        () =>
          `Credential created.\n  id         ${reg.id}\n  algorithm  ${reg.response.publicKeyAlgorithm}\n  resident   ${args.rk}`,
        reg,
      );
      return;
    }
    case 'get-assertion': {
      const rp = need(args.rp[0], '--rp <id>');
      const ctap = await s.open();
      const usePin = args.uv && ctap.info.options.clientPin === true;
      const result = await getCredential(
        ctap,
        {
          challenge: toBase64Url(new Uint8Array(randomBytes(32))),
          rpId: rp,
          allowCredentials: args.cred ? [{ type: 'public-key', id: args.cred }] : [],
          userVerification: args.uv ? 'required' : 'discouraged',
        },
        { origin: `https://${rp}`, pin: usePin ? await s.pin() : undefined, ...s.options },
      );
      s.print(
        () =>
          `Assertion made.\n  credential ${result.id}${result.response.userHandle ? `\n  user id    ${result.response.userHandle}` : ''}`,
        result,
      );
      return;
    }
    case 'creds': {
      if (sub === 'list') {
        const ctap = await s.open();
        const cm = ctap.credentialManagement(await s.token(['cm']));
        const meta = await cm.getMetadata(s.options);
        const rps: { rp: StoredRp['rp']; credentials: StoredCredential[] }[] = [];
        for (const rp of await cm.listRps(s.options)) {
          rps.push({ rp: rp.rp, credentials: await cm.listCredentials(rp.rpIdHash, s.options) });
        }
        s.print(
          () =>
            [
              `${meta.existingResidentCredentialsCount} passkey(s) stored, room for ${meta.maxPossibleRemainingResidentCredentialsCount} more.`,
              ...rps.flatMap((r) => [
                `${r.rp.id}${r.rp.name ? ` (${r.rp.name})` : ''}`,
                ...r.credentials.map(
                  (c) =>
                    `  ${toBase64Url(c.credentialId.id)}  ${c.user.name ?? ''}${c.user.displayName ? ` — ${c.user.displayName}` : ''}`,
                ),
              ]),
            ].join('\n'),
          {
            ...meta,
            rps: rps.map((r) => ({
              rp: r.rp,
              credentials: r.credentials.map((c) => ({
                credentialId: toBase64Url(c.credentialId.id),
                user: {
                  id: toBase64Url(c.user.id),
                  name: c.user.name,
                  displayName: c.user.displayName,
                },
                credProtect: c.credProtect,
              })),
            })),
          },
        );
        return;
      }
      if (sub === 'delete') {
        const id = fromBase64Url(need(arg, '<credential id>'));
        const ctap = await s.open();
        await ctap.credentialManagement(await s.token(['cm'])).deleteCredential(id, s.options);
        s.print('Credential deleted.', { ok: true });
        return;
      }
      throw new UsageError('creds list | creds delete <credential id>');
    }
    case 'config': {
      const ctap = await s.open();
      if (ctap.info.options.authnrCfg !== true)
        throw new UsageError('This key does not support authenticatorConfig.');
      if (sub === 'min-pin-length') {
        const n = Number(need(arg, '<n>'));
        if (!Number.isInteger(n) || n < 4 || n > 63)
          throw new UsageError('min-pin-length takes a number from 4 to 63');
        await ctap
          .config(await s.token(['acfg']))
          .setMinPinLength({ newMinPinLength: n, minPinLengthRpIds: args.rp }, s.options);
        s.print(`Minimum PIN length is now ${ctap.info.minPinLength}.`, {
          minPinLength: ctap.info.minPinLength,
        });
        return;
      }
      if (sub === 'force-pin-change') {
        await ctap
          .config(await s.token(['acfg']))
          .setMinPinLength({ forceChangePin: true }, s.options);
        s.print('The key will require a new PIN before its next use.', {
          forcePinChange: ctap.info.forcePinChange,
        });
        return;
      }
      if (sub === 'always-uv') {
        await ctap.config(await s.token(['acfg'])).toggleAlwaysUv(s.options);
        const on = ctap.info.options.alwaysUv === true;
        s.print(`alwaysUv is now ${on ? 'on' : 'off'}.`, { alwaysUv: on });
        return;
      }
      throw new UsageError(
        'config min-pin-length <n> | config force-pin-change | config always-uv',
      );
    }
    case 'reset': {
      if (!args.yes && io.pins.interactive) {
        const answer = await io.pins.read(
          'This deletes the PIN and every credential on the key. Type "yes" to continue: ',
        );
        if (answer.trim().toLowerCase() !== 'yes') throw new UsageError('Not reset.');
      }
      const ctap = await s.open();
      await ctap.reset(s.options);
      s.print('The key was reset.', { ok: true });
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
  }
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
    await run(args, io, session);
    return 0;
  } catch (e) {
    const [code, message] =
      e instanceof UsageError || e instanceof CliInputError
        ? [1, e.message]
        : e instanceof CtapError
          ? [2, ctapErrorMessage(e)]
          : e instanceof TransportError
            ? [3, transportErrorMessage(e)]
            : [4, `Unexpected error: ${(e as Error)?.message ?? String(e)}`];
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
    return code;
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

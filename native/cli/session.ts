/**
 * One CLI run: output (human or --json), choosing and opening the key (by index, path, the only
 * one, or "touch the key you want"), PIN prompts, and the KeyManager every command works on.
 */
import { readFile } from 'node:fs/promises';
import {
  KeyManager,
  builtInModels,
  combineCatalogs,
  mdsCatalog,
  verifyMdsBlob,
  type ModelCatalog,
  isTransportError,
  listDevices,
  toBase64Url,
  type DeviceTarget,
  type HidDeviceDescriptor,
  type HidPlatform,
  type KeepaliveState,
  type KeyManagerOptions,
  type NodeHidBackend,
} from '../index';
import { UsageError, type Args } from './args';
import { pinRuleMessage } from './messages';
import type { PinInput } from './pinInput';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  pins: PinInput;
  /** Test seam: replaces node-hid enumeration. */
  listDevices?: () => Promise<HidDeviceDescriptor[]>;
  /** Test seam: node-hid itself (a replay behind its API) and the OS facts for open failures. */
  nodeHid?: NodeHidBackend;
  hidPlatform?: HidPlatform;
  /** Poll interval while waiting for a key to be removed / inserted (default 250 ms). */
  pollMs?: number;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64Url(value);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  return value;
}

/** `--device 1`: a short index into `list`; anything else is a path. */
export function parseDeviceIndex(device: string): number | undefined {
  return /^[1-9]\d{0,2}$/.test(device) ? Number(device) : undefined;
}

export class Session {
  private manager: KeyManager | undefined;
  private touchShown = false;
  private models: ModelCatalog | undefined;
  readonly controller = new AbortController();

  constructor(
    readonly args: Args,
    readonly io: CliIo,
  ) {}

  print(human: string | (() => string), json: unknown): void {
    if (this.args.json) this.io.out(JSON.stringify(json, jsonReplacer, 2));
    else this.io.out(typeof human === 'string' ? human : human());
  }

  /** What every KeyManager of this run shares; the touch deadline only when --timeout was given. */
  managerOptions(signal: AbortSignal = this.controller.signal): KeyManagerOptions {
    return {
      signal,
      onKeepalive: (s: KeepaliveState) => {
        if (s === 'up-needed' && !this.touchShown) {
          this.touchShown = true;
          this.io.err('Touch your security key…');
        }
      },
      ...(this.args.timeoutMs !== undefined ? { touchTimeoutMs: this.args.timeoutMs } : {}),
      pin: ({ purpose }) => this.pin(purpose === 'new' ? 'New PIN: ' : 'PIN: '),
      ...(this.models ? { models: this.models } : {}),
    };
  }

  /** `--mds FILE [--mds-root FILE]`: verify the BLOB, then name models (and flag) from it. */
  async loadMetadata(): Promise<void> {
    if (this.args.mds === undefined) return;
    const read = async (file: string, what: string) => {
      try {
        return await readFile(file, 'utf8');
      } catch (e) {
        throw new UsageError(`Cannot read the ${what} ${file}: ${(e as Error).message}`);
      }
    };
    const blob = await read(this.args.mds, 'metadata BLOB');
    const rootPem =
      this.args.mdsRoot !== undefined
        ? await read(this.args.mdsRoot, 'root certificate')
        : undefined;
    const verified = await verifyMdsBlob(blob, rootPem !== undefined ? { rootPem } : {});
    this.models = combineCatalogs(mdsCatalog(verified.models), builtInModels);
  }

  /** Open options for a target: the node-hid seam and OS facts when a test gave them. */
  openOptions() {
    return {
      signal: this.controller.signal,
      ...(this.io.nodeHid ? { nodeHid: this.io.nodeHid } : {}),
      ...(this.io.hidPlatform ? { hidPlatform: this.io.hidPlatform } : {}),
    };
  }

  async devices(): Promise<HidDeviceDescriptor[]> {
    if (this.io.listDevices) return this.io.listDevices();
    return listDevices(this.io.nodeHid ? { nodeHid: this.io.nodeHid } : {});
  }

  async openManager(target: DeviceTarget, signal?: AbortSignal): Promise<KeyManager> {
    return KeyManager.open(target, { ...this.openOptions(), ...this.managerOptions(signal) });
  }

  /** The key opened so far, if any (never opens one). */
  get opened(): KeyManager | undefined {
    return this.manager;
  }

  /** The key this run works on (opened once). */
  async key(): Promise<KeyManager> {
    if (this.manager) return this.manager;
    const device = this.args.device;
    if (device !== undefined) {
      const index = parseDeviceIndex(device);
      if (index === undefined) {
        this.manager = await this.openManager(device);
        return this.manager;
      }
      const found = await this.devices();
      const chosen = found[index - 1];
      if (!chosen)
        throw new UsageError(
          `There is no key number ${index}: ${found.length} key(s) found. See: keystation-key list`,
        );
      this.manager = await this.openManager(chosen);
      return this.manager;
    }
    const found = await this.devices();
    if (found.length === 0)
      throw new UsageError(
        'No security key found. Insert one, or pass --device <number | path | udp:host:port>.',
      );
    this.manager =
      found.length === 1 ? await this.openManager(found[0]) : await this.chooseByTouch(found);
    return this.manager;
  }

  /**
   * Several keys: each waits for a touch (selection, or the 2.0 dummy makeCredential); the first
   * touched wins and the others get CTAPHID_CANCEL.
   */
  private async chooseByTouch(found: HidDeviceDescriptor[]): Promise<KeyManager> {
    const candidates: { manager: KeyManager; stop: AbortController }[] = [];
    for (const d of found) {
      const stop = new AbortController();
      const signal = AbortSignal.any([this.controller.signal, stop.signal]);
      try {
        candidates.push({ manager: await this.openManager(d, signal), stop });
      } catch {
        // A key we can't open can't be the one: `list` names why.
      }
    }
    if (candidates.length === 0)
      throw new UsageError('None of the keys found could be opened. See: keystation-key list');
    if (candidates.length === 1) return candidates[0].manager;
    this.io.err(
      `${candidates.length} keys found. Touch the key you want to use (or choose with --device <number>)…`,
    );
    const attempts = candidates.map(async (c) => {
      // keys that can blink do, so the person sees which ones wait
      if (c.manager.ctap.device.capabilities.wink) await c.manager.wink().catch(() => undefined);
      await c.manager.select();
      return c;
    });
    const winner = await Promise.any(attempts).catch((e: unknown) => {
      const first = e instanceof AggregateError ? e.errors[0] : e;
      throw first;
    });
    for (const c of candidates) if (c !== winner) c.stop.abort();
    // each other key answers its CANCEL before it is closed
    await Promise.allSettled(attempts);
    for (const c of candidates) {
      if (c !== winner) await c.manager.close().catch(() => undefined);
    }
    return winner.manager;
  }

  async pin(prompt = 'PIN: '): Promise<string> {
    return this.io.pins.read(prompt);
  }

  /** A new PIN, checked against the key's own rules before it is sent. */
  async newPin(km: KeyManager, prompt: string): Promise<string> {
    const pin = await this.pin(prompt);
    const violation = km.checkNewPin(pin);
    if (violation) throw new UsageError(pinRuleMessage(violation, km.pinRules()));
    if (this.io.pins.interactive && (await this.pin('Repeat the new PIN: ')) !== pin) {
      throw new UsageError('The PINs do not match.');
    }
    return pin;
  }

  async close(): Promise<void> {
    const m = this.manager;
    this.manager = undefined;
    await m?.close().catch(() => undefined);
  }
}

/** True when the error says the key went away (for the reset re-insert wait). */
export function isGone(e: unknown): boolean {
  return isTransportError(e) && (e.code === 'unplugged' || e.code === 'closed');
}

/**
 * A CTAPHID device (CTAP 2.1 §11.2): channel allocation with INIT + nonce, one transaction at
 * a time, KEEPALIVE → callback, CANCEL on abort or deadline, CHANNEL_BUSY retry, ERROR →
 * TransportError. Knows HID reports, never CBOR (layering as in python-fido2 `hid/` → `ctap.py`).
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { TransportError, isTransportError } from '../errors';
import type { HidConnection } from '../hid/connection';
import {
  CTAPHID_BROADCAST_CID,
  CtapHidCapability,
  CtapHidCommand,
  CtapHidError,
  KeepaliveStatus,
} from './constants';
import { MessageAssembler, encodeFrames, type CtapHidMessage } from './framing';

export type KeepaliveState = 'processing' | 'up-needed';

export interface CommandOptions {
  /** Whole-command deadline in ms. */
  readonly timeoutMs?: number;
  /** Abort → CTAPHID_CANCEL, the call rejects with TransportError('cancelled'). */
  readonly signal?: AbortSignal;
  /** KEEPALIVE status, called whenever it changes ('up-needed' = "touch your key"). */
  readonly onKeepalive?: (status: KeepaliveState) => void;
}

export interface OpenOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Test seam for the INIT nonce and PIN key agreement. */
  readonly randomBytes?: (n: number) => Uint8Array;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
export const DEFAULT_INIT_TIMEOUT_MS = 3_000;
/** After CANCEL, how long to wait for the key's final reply so the channel stays in step. */
const CANCEL_DRAIN_MS = 400;
/** CHANNEL_BUSY back-off (§11.2.9.1.6: "the client should retry later"). */
const BUSY_RETRY_DELAY_MS = 50;

export interface DeviceVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
}

export interface CtapHidCapabilities {
  readonly wink: boolean;
  readonly cbor: boolean;
  readonly nmsg: boolean;
}

export interface InitResponse {
  readonly channelId: number;
  readonly ctaphidVersion: number;
  readonly deviceVersion: DeviceVersion;
  readonly capabilities: CtapHidCapabilities;
}

const INIT_NONCE_SIZE = 8;
const INIT_REPLY_MIN = 17; // nonce 8, CID 4, version 1, major 1, minor 1, build 1, caps 1

/** Decode the CTAPHID_INIT reply payload (§11.2.9.1.3) and check it answers `nonce`. */
export function decodeInitResponse(payload: Uint8Array, nonce: Uint8Array): InitResponse {
  if (payload.length < INIT_REPLY_MIN) {
    throw new TransportError('invalid-length', `INIT reply of ${payload.length} bytes`);
  }
  for (let i = 0; i < INIT_NONCE_SIZE; i++) {
    if (payload[i] !== nonce[i])
      throw new TransportError('nonce-mismatch', 'INIT reply for another nonce');
  }
  const channelId = new DataView(payload.buffer, payload.byteOffset + 8, 4).getUint32(0);
  if (channelId === 0 || channelId === CTAPHID_BROADCAST_CID) {
    throw new TransportError(
      'channel',
      `key allocated reserved channel 0x${channelId.toString(16)}`,
    );
  }
  const caps = payload[16];
  return {
    channelId,
    ctaphidVersion: payload[12],
    deviceVersion: { major: payload[13], minor: payload[14], build: payload[15] },
    capabilities: {
      wink: (caps & CtapHidCapability.WINK) !== 0,
      cbor: (caps & CtapHidCapability.CBOR) !== 0,
      // NMSG set means the key does NOT implement CTAPHID_MSG (§11.2.9.1.3).
      nmsg: (caps & CtapHidCapability.NMSG) !== 0,
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CtapHidDevice {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly connection: HidConnection,
    private readonly init: InitResponse,
  ) {}

  get channelId(): number {
    return this.init.channelId;
  }
  get ctaphidVersion(): number {
    return this.init.ctaphidVersion;
  }
  get deviceVersion(): DeviceVersion {
    return this.init.deviceVersion;
  }
  get capabilities(): CtapHidCapabilities {
    return this.init.capabilities;
  }

  /** Allocate a channel: INIT on the broadcast channel with a fresh random nonce (§11.2.9.1.3). */
  static async open(connection: HidConnection, options: OpenOptions = {}): Promise<CtapHidDevice> {
    const random = options.randomBytes ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
    const nonce = random(INIT_NONCE_SIZE);
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_INIT_TIMEOUT_MS);
    for (const report of encodeFrames(CTAPHID_BROADCAST_CID, CtapHidCommand.INIT, nonce)) {
      await connection.writeReport(report);
    }
    const assembler = new MessageAssembler(CTAPHID_BROADCAST_CID);
    let sawOtherNonce = false;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new TransportError(
          sawOtherNonce ? 'nonce-mismatch' : 'timeout',
          sawOtherNonce ? 'INIT replies only for other nonces' : 'no INIT reply',
        );
      }
      let report: Uint8Array;
      try {
        report = await connection.readReport(remaining, options.signal);
      } catch (e) {
        if (sawOtherNonce && isTransportError(e) && e.code === 'timeout') {
          throw new TransportError('nonce-mismatch', 'INIT replies only for other nonces');
        }
        throw e;
      }
      const step = assembler.push(report);
      if (step.kind !== 'complete') continue;
      const { command, payload } = step.message;
      if (command === CtapHidCommand.ERROR) throw hidError(payload);
      if (command !== CtapHidCommand.INIT) continue;
      try {
        return new CtapHidDevice(connection, decodeInitResponse(payload, nonce));
      } catch (e) {
        // Another client's INIT reply on the shared broadcast channel (§11.2.9.1.3): keep waiting.
        if (isTransportError(e) && e.code === 'nonce-mismatch') {
          sawOtherNonce = true;
          continue;
        }
        throw e;
      }
    }
  }

  /** One CTAPHID transaction. Transactions are serialised: a key handles one at a time. */
  call(command: number, payload: Uint8Array, options: CommandOptions = {}): Promise<Uint8Array> {
    const run = this.queue.then(
      () => this.transact(command, payload, options),
      () => this.transact(command, payload, options),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  cbor(request: Uint8Array, options?: CommandOptions): Promise<Uint8Array> {
    return this.call(CtapHidCommand.CBOR, request, options);
  }

  ping(data: Uint8Array, options?: CommandOptions): Promise<Uint8Array> {
    return this.call(CtapHidCommand.PING, data, options);
  }

  async wink(options?: CommandOptions): Promise<void> {
    if (!this.capabilities.wink)
      throw new TransportError('unsupported', 'the key does not support WINK');
    await this.call(CtapHidCommand.WINK, new Uint8Array(0), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }

  private async transact(
    command: number,
    payload: Uint8Array,
    options: CommandOptions,
  ): Promise<Uint8Array> {
    if (this.closed) throw new TransportError('closed', 'device closed');
    const { signal, onKeepalive } = options;
    if (signal?.aborted) throw new TransportError('cancelled', 'cancelled before sending');
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    const frames = encodeFrames(this.channelId, command, payload);
    let lastKeepalive: KeepaliveState | undefined;

    for (;;) {
      for (const report of frames) await this.connection.writeReport(report);
      const assembler = new MessageAssembler(this.channelId);
      // The inner loop returns a reply or throws; it only breaks out on CHANNEL_BUSY.
      for (;;) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) return this.abandon('timeout', command);
        let report: Uint8Array;
        try {
          report = await this.connection.readReport(remaining, signal);
        } catch (e) {
          if (isTransportError(e) && e.code === 'cancelled')
            return this.abandon('cancelled', command);
          if (isTransportError(e) && e.code === 'timeout') return this.abandon('timeout', command);
          throw e;
        }
        const step = assembler.push(report);
        if (step.kind !== 'complete') continue;
        const message: CtapHidMessage = step.message;
        if (message.command === CtapHidCommand.KEEPALIVE) {
          const state = keepaliveState(message.payload);
          if (state !== undefined && state !== lastKeepalive) {
            lastKeepalive = state;
            onKeepalive?.(state);
          }
          continue;
        }
        if (message.command === CtapHidCommand.ERROR) {
          if (message.payload[0] === CtapHidError.CHANNEL_BUSY) break;
          throw hidError(message.payload);
        }
        if (message.command !== command) {
          throw new TransportError(
            'invalid-report',
            `reply command 0x${message.command.toString(16)} to 0x${command.toString(16)}`,
          );
        }
        return message.payload;
      }
      if (Date.now() + BUSY_RETRY_DELAY_MS >= deadline) {
        throw new TransportError(
          'busy',
          'the key stayed busy with another client',
          CtapHidError.CHANNEL_BUSY,
        );
      }
      await delay(BUSY_RETRY_DELAY_MS);
      if (signal?.aborted)
        throw new TransportError('cancelled', 'cancelled while the key was busy');
    }
  }

  /**
   * Give up on a transaction: send CTAPHID_CANCEL (§11.2.9.1.5) and wait briefly for the key's
   * final reply (KEEPALIVE_CANCEL) so it does not arrive as the answer to the next command.
   */
  private async abandon(reason: 'timeout' | 'cancelled', command: number): Promise<never> {
    try {
      for (const report of encodeFrames(this.channelId, CtapHidCommand.CANCEL, new Uint8Array(0))) {
        await this.connection.writeReport(report);
      }
      const assembler = new MessageAssembler(this.channelId);
      const drainUntil = Date.now() + CANCEL_DRAIN_MS;
      for (;;) {
        const remaining = drainUntil - Date.now();
        if (remaining <= 0) break;
        const step = assembler.push(await this.connection.readReport(remaining));
        if (step.kind === 'complete' && step.message.command !== CtapHidCommand.KEEPALIVE) break;
      }
    } catch (e) {
      if (isTransportError(e) && (e.code === 'unplugged' || e.code === 'closed')) throw e;
      // Best effort: the transaction has already failed for `reason`.
    }
    throw new TransportError(
      reason,
      reason === 'timeout'
        ? `no reply to CTAPHID command 0x${command.toString(16)} in time`
        : 'cancelled',
    );
  }
}

function keepaliveState(payload: Uint8Array): KeepaliveState | undefined {
  if (payload[0] === KeepaliveStatus.PROCESSING) return 'processing';
  if (payload[0] === KeepaliveStatus.UPNEEDED) return 'up-needed';
  return undefined;
}

const hidErrorNames = new Map<number, string>(Object.entries(CtapHidError).map(([n, c]) => [c, n]));

/** CTAPHID_ERROR payload → TransportError('ctaphid-error') with the ERR_* byte (§11.2.9.1.6). */
export function hidError(payload: Uint8Array): TransportError {
  const code = payload.length > 0 ? payload[0] : CtapHidError.OTHER;
  if (code === CtapHidError.INVALID_CMD) {
    return new TransportError(
      'unsupported',
      'CTAPHID ERR_INVALID_CMD: the key does not support this command',
      code,
    );
  }
  const name = hidErrorNames.get(code) ?? 'UNKNOWN';
  return new TransportError(
    'ctaphid-error',
    `CTAPHID error 0x${code.toString(16).padStart(2, '0')} (${name})`,
    code,
  );
}

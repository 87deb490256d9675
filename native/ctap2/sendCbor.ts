/**
 * The one choke point for CBOR commands (python-fido2 `Ctap2.send_cbor`): request encoding,
 * the maxMsgSize check, status byte → CtapError, reply decoding, timing.
 */
import { encodeCanonical, type CborValue } from '../cbor';
import { TransportError } from '../errors';
import type { CommandOptions } from '../ctaphid/device';
import { decodeReply } from './decode';
import { CtapError } from './status';

export type { CommandOptions };

/** Commands that wait for a touch get a longer default deadline (the key times out ~30 s). */
export const USER_PRESENCE_TIMEOUT_MS = 30_000;

/**
 * Options for a command that waits for a touch: the 30 s default unless the caller set a
 * deadline. `timeoutMs: undefined` counts as not set (spreading it over the default would
 * leave the 5 s CTAPHID default).
 */
export function withTouchDeadline(options?: CommandOptions): CommandOptions {
  return { ...options, timeoutMs: options?.timeoutMs ?? USER_PRESENCE_TIMEOUT_MS };
}

export type CborParams = Map<number, CborValue>;

/** What command modules need from the client: one way to send, and the key's getInfo. */
export interface CborChannel {
  sendCbor(command: number, params?: CborParams, options?: CommandOptions): Promise<unknown>;
  readonly maxMsgSize: number;
}

/** command byte ‖ canonical CBOR parameters (§8.1, "CTAP2 message encoding"). */
export function encodeCommand(command: number, params?: CborParams): Uint8Array {
  if (params === undefined || params.size === 0) return Uint8Array.of(command);
  const body = encodeCanonical(params);
  const out = new Uint8Array(1 + body.length);
  out[0] = command;
  out.set(body, 1);
  return out;
}

/** status byte ‖ optional CBOR map. Non-zero status → CtapError; body → decoded value or undefined. */
export function decodeResponse(reply: Uint8Array, command?: number): unknown {
  if (reply.length === 0)
    throw new TransportError('invalid-cbor', 'empty CTAP reply (no status byte)');
  if (reply[0] !== 0) throw new CtapError(reply[0], command);
  if (reply.length === 1) return undefined;
  return decodeReply(reply.subarray(1));
}

export interface CommandTiming {
  readonly command: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly totalMs: number;
  /** CPU-bound client work: encode + decode. */
  readonly codecMs: number;
  readonly status: number;
}

/** Check the request fits the key's maxMsgSize (§6.4 maxMsgSize, default 1024). */
export function checkMessageSize(request: Uint8Array, maxMsgSize: number): void {
  if (request.length > maxMsgSize) {
    throw new TransportError(
      'message-too-large',
      `request of ${request.length} bytes exceeds the key's maxMsgSize ${maxMsgSize}`,
    );
  }
}

/** Request arguments with `undefined` dropped: CTAP omits absent optional parameters. */
export function params(entries: readonly (readonly [number, CborValue | undefined])[]): CborParams {
  const m: CborParams = new Map();
  for (const [k, v] of entries) if (v !== undefined) m.set(k, v);
  return m;
}

/**
 * CTAPHID message framing (CTAP 2.1 §11.2.4): one init packet (CID, CMD|0x80, BCNT, 57 data
 * bytes) then continuation packets (CID, SEQ 0..127, 59 data bytes). Pure functions, so
 * reassembly can be pinned with recorded reports and fuzzed without any device.
 */
import { TransportError } from '../errors';
import { HID_REPORT_SIZE } from '../hid/connection';
import { CONT_PAYLOAD_SIZE, INIT_PAYLOAD_SIZE, MAX_MESSAGE_SIZE } from './constants';

/** Split one CTAPHID message into 64-byte reports (zero-padded, §11.2.4). */
export function encodeFrames(
  channelId: number,
  command: number,
  payload: Uint8Array,
): Uint8Array[] {
  if (payload.length > MAX_MESSAGE_SIZE) {
    throw new TransportError(
      'message-too-large',
      `CTAPHID message of ${payload.length} bytes exceeds ${MAX_MESSAGE_SIZE}`,
    );
  }
  const reports: Uint8Array[] = [];
  const first = new Uint8Array(HID_REPORT_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, channelId >>> 0);
  first[4] = 0x80 | command;
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, INIT_PAYLOAD_SIZE), 7);
  reports.push(first);
  let offset = INIT_PAYLOAD_SIZE;
  for (let seq = 0; offset < payload.length; seq++) {
    const cont = new Uint8Array(HID_REPORT_SIZE);
    new DataView(cont.buffer).setUint32(0, channelId >>> 0);
    cont[4] = seq;
    cont.set(payload.subarray(offset, offset + CONT_PAYLOAD_SIZE), 5);
    reports.push(cont);
    offset += CONT_PAYLOAD_SIZE;
  }
  return reports;
}

/** Number of reports a message of `length` payload bytes takes (§11.2.4). */
export function frameCount(length: number): number {
  return length <= INIT_PAYLOAD_SIZE
    ? 1
    : 1 + Math.ceil((length - INIT_PAYLOAD_SIZE) / CONT_PAYLOAD_SIZE);
}

export interface CtapHidMessage {
  readonly channelId: number;
  readonly command: number;
  readonly payload: Uint8Array;
}

export type AssemblerStep =
  /** Report for another channel (another client on a shared key): skip it. */
  | { readonly kind: 'ignored' }
  /** More continuation packets due. */
  | { readonly kind: 'partial' }
  | { readonly kind: 'complete'; readonly message: CtapHidMessage };

/**
 * Reassembles one reply on `channelId`. Reports on other channels are ignored (§11.2.3: the
 * key may serve several clients); a new init packet on our channel restarts the message (what
 * the key does after an ERROR or KEEPALIVE). Every malformed report is a TransportError.
 */
export class MessageAssembler {
  private command = 0;
  private expected = 0;
  private nextSeq = 0;
  private buffer: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly channelId: number) {}

  push(report: Uint8Array): AssemblerStep {
    if (!(report instanceof Uint8Array) || report.length !== HID_REPORT_SIZE) {
      throw new TransportError(
        'invalid-report',
        `HID report of ${report?.length ?? 'no'} bytes, expected ${HID_REPORT_SIZE}`,
      );
    }
    const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
    const cid = view.getUint32(0);
    if (cid !== this.channelId >>> 0) return { kind: 'ignored' };
    const cmdOrSeq = report[4];
    if (cmdOrSeq & 0x80) {
      const command = cmdOrSeq & 0x7f;
      const length = view.getUint16(5);
      if (length > MAX_MESSAGE_SIZE) {
        throw new TransportError(
          'invalid-length',
          `declared length ${length} exceeds ${MAX_MESSAGE_SIZE}`,
        );
      }
      this.command = command;
      this.expected = length;
      this.nextSeq = 0;
      this.buffer = new Uint8Array(length);
      const take = Math.min(length, INIT_PAYLOAD_SIZE);
      this.buffer.set(report.subarray(7, 7 + take));
      this.filled = take;
    } else {
      if (this.buffer === null) {
        throw new TransportError('invalid-report', 'continuation packet without an init packet');
      }
      if (cmdOrSeq !== this.nextSeq) {
        throw new TransportError(
          'sequence',
          `continuation seq ${cmdOrSeq}, expected ${this.nextSeq}`,
        );
      }
      this.nextSeq++;
      const take = Math.min(this.expected - this.filled, CONT_PAYLOAD_SIZE);
      this.buffer.set(report.subarray(5, 5 + take), this.filled);
      this.filled += take;
    }
    if (this.filled < this.expected) return { kind: 'partial' };
    const message = { channelId: cid, command: this.command, payload: this.buffer };
    this.buffer = null;
    this.filled = 0;
    return { kind: 'complete', message };
  }
}

/** Reassemble a complete list of reports (recorded captures, tests). */
export function assembleReports(channelId: number, reports: readonly Uint8Array[]): CtapHidMessage {
  const assembler = new MessageAssembler(channelId);
  for (const report of reports) {
    const step = assembler.push(report);
    if (step.kind === 'complete') return step.message;
  }
  throw new TransportError('invalid-length', 'reports end before the message is complete');
}

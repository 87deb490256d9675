/**
 * Authenticator-side CTAPHID (CTAP 2.1 §11.2): packet reassembly, channel allocation,
 * one transaction at a time, busy/sequence/length/channel errors, message timeout,
 * keepalives while a CBOR request runs, and CANCEL.
 */
import {
  CONT_PAYLOAD_SIZE,
  CTAPHID_BROADCAST_CID,
  CtapHidCapability,
  CtapHidCommand,
  CtapHidError,
  INIT_PAYLOAD_SIZE,
  KeepaliveStatus,
  MAX_MESSAGE_SIZE,
} from '../ctaphid/constants';
import { HID_REPORT_SIZE } from '../hid/connection';
import type { RandomSource } from './rng';

/** A client attachment point (one HID handle / one UDP peer). */
export interface HidPort {
  deliver(report: Uint8Array): void;
}

export interface CtapHidEngineOptions {
  readonly rng: RandomSource;
  readonly messageTimeoutMs: number;
  readonly firmwareVersion: number;
  /** Run one CTAP2 request; resolves with status ‖ CBOR. Absent: no CBOR capability (U2F only). */
  handleCbor?(request: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /** Run one U2F (CTAP1) APDU; resolves with the response APDU. Absent: capability NMSG. */
  handleMsg?(apdu: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  /** Current keepalive status while a CBOR request is running. */
  keepaliveStatus(): number;
  /** CTAPHID_WINK received. Absent: no WINK capability, and WINK is ERR_INVALID_CMD. */
  onWink?(): void;
  /** Send one report to a port (routing, latency and faults are the device's business). */
  send(port: HidPort, report: Uint8Array): void;
}

/** Keepalive period (§11.2.9.1.5: "at least every 100 ms"). */
export const KEEPALIVE_INTERVAL_MS = 100;
const MAX_CHANNELS = 256;

interface Assembly {
  readonly cid: number;
  readonly cmd: number;
  readonly length: number;
  readonly port: HidPort;
  readonly chunks: Uint8Array[];
  received: number;
  nextSeq: number;
  timer: NodeJS.Timeout;
}

interface Pending {
  readonly cid: number;
  readonly port: HidPort;
  readonly abort: AbortController;
  readonly keepalive: NodeJS.Timeout;
}

export class CtapHidEngine {
  private readonly channels = new Set<number>();
  private assembly?: Assembly;
  private pending?: Pending;

  constructor(private readonly opts: CtapHidEngineOptions) {}

  /** Forget every channel and abort everything in flight (power loss). */
  powerDown(): void {
    if (this.assembly) clearTimeout(this.assembly.timer);
    this.assembly = undefined;
    if (this.pending) {
      clearInterval(this.pending.keepalive);
      this.pending.abort.abort();
    }
    this.pending = undefined;
    this.channels.clear();
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  receive(port: HidPort, report: Uint8Array): void {
    if (report.length !== HID_REPORT_SIZE) return; // not a CTAPHID packet: a real HID stack never delivers it
    const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
    const cid = view.getUint32(0);
    if (report[4] & 0x80)
      this.onInitPacket(port, cid, report[4] & 0x7f, view.getUint16(5), report.subarray(7));
    else this.onContinuation(cid, report[4], report.subarray(5));
  }

  private onInitPacket(
    port: HidPort,
    cid: number,
    cmd: number,
    length: number,
    payload: Uint8Array,
  ): void {
    const INIT = CtapHidCommand.INIT;
    if (cid === 0) return this.error(port, cid, CtapHidError.INVALID_CHANNEL);
    // A transaction is running.
    if (this.pending) {
      if (cid === this.pending.cid) {
        if (cmd === CtapHidCommand.CANCEL) {
          this.pending.abort.abort();
          return;
        }
        if (cmd === INIT) {
          this.abortPending(); // INIT on the busy channel resynchronises it (§11.2.9.1.3)
        } else return this.error(port, cid, CtapHidError.CHANNEL_BUSY);
      } else if (cmd === CtapHidCommand.CANCEL) {
        return; // CANCEL for a channel with nothing pending: ignored, no reply
      } else if (cmd !== INIT) {
        return this.error(port, cid, CtapHidError.CHANNEL_BUSY);
      }
    }
    // A message is being reassembled.
    if (this.assembly) {
      if (cid === this.assembly.cid) {
        clearTimeout(this.assembly.timer);
        this.assembly = undefined;
        if (cmd !== INIT) return this.error(port, cid, CtapHidError.INVALID_SEQ);
      } else if (cmd === CtapHidCommand.CANCEL) {
        return; // CANCEL never gets a reply (§11.2.9.1.5)
      } else if (cmd !== INIT) {
        return this.error(port, cid, CtapHidError.CHANNEL_BUSY);
      }
    }
    if (cmd === INIT) {
      if (cid !== CTAPHID_BROADCAST_CID && !this.channels.has(cid))
        return this.error(port, cid, CtapHidError.INVALID_CHANNEL);
    } else {
      if (cid === CTAPHID_BROADCAST_CID || !this.channels.has(cid))
        return this.error(port, cid, CtapHidError.INVALID_CHANNEL);
    }
    if (cmd === CtapHidCommand.CANCEL) return; // nothing pending on this channel
    if (length > MAX_MESSAGE_SIZE) return this.error(port, cid, CtapHidError.INVALID_LEN);
    if (length <= INIT_PAYLOAD_SIZE) {
      this.dispatch(port, cid, cmd, payload.slice(0, length));
      return;
    }
    this.assembly = {
      cid,
      cmd,
      length,
      port,
      chunks: [payload.slice()],
      received: payload.length,
      nextSeq: 0,
      timer: this.messageTimer(port, cid),
    };
  }

  private messageTimer(port: HidPort, cid: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (this.assembly?.cid !== cid) return;
      this.assembly = undefined;
      this.error(port, cid, CtapHidError.MSG_TIMEOUT);
    }, this.opts.messageTimeoutMs);
  }

  private onContinuation(cid: number, seq: number, payload: Uint8Array): void {
    const a = this.assembly;
    if (!a || a.cid !== cid) return; // spurious continuation packets are ignored (§11.2.4)
    clearTimeout(a.timer);
    if (seq !== a.nextSeq) {
      this.assembly = undefined;
      return this.error(a.port, cid, CtapHidError.INVALID_SEQ);
    }
    a.nextSeq += 1;
    a.chunks.push(payload.slice());
    a.received += payload.length;
    if (a.received >= a.length) {
      this.assembly = undefined;
      const message = new Uint8Array(a.received);
      let o = 0;
      for (const c of a.chunks) {
        message.set(c, o);
        o += c.length;
      }
      this.dispatch(a.port, cid, a.cmd, message.subarray(0, a.length));
      return;
    }
    a.timer = this.messageTimer(a.port, cid);
  }

  private dispatch(port: HidPort, cid: number, cmd: number, data: Uint8Array): void {
    switch (cmd) {
      case CtapHidCommand.INIT:
        return this.init(port, cid, data);
      case CtapHidCommand.PING:
        return this.reply(port, cid, cmd, data);
      case CtapHidCommand.WINK:
        if (!this.opts.onWink) return this.error(port, cid, CtapHidError.INVALID_CMD);
        if (data.length !== 0) return this.error(port, cid, CtapHidError.INVALID_LEN);
        this.opts.onWink();
        return this.reply(port, cid, cmd, new Uint8Array(0));
      case CtapHidCommand.CBOR:
        if (!this.opts.handleCbor) return this.error(port, cid, CtapHidError.INVALID_CMD);
        if (data.length === 0) return this.error(port, cid, CtapHidError.INVALID_LEN);
        return this.run(port, cid, cmd, data, this.opts.handleCbor, true);
      case CtapHidCommand.MSG:
        if (!this.opts.handleMsg) return this.error(port, cid, CtapHidError.INVALID_CMD);
        return this.run(port, cid, cmd, data, this.opts.handleMsg, false);
      default:
        // MSG without U2F (NMSG capability), LOCK (optional, not implemented) and unknown commands.
        return this.error(port, cid, CtapHidError.INVALID_CMD);
    }
  }

  private init(port: HidPort, cid: number, nonce: Uint8Array): void {
    if (nonce.length !== 8) return this.error(port, cid, CtapHidError.INVALID_LEN);
    let newCid = cid;
    if (cid === CTAPHID_BROADCAST_CID) {
      do {
        newCid = new DataView(this.opts.rng.bytes(4).buffer).getUint32(0);
      } while (newCid === 0 || newCid === CTAPHID_BROADCAST_CID || this.channels.has(newCid));
      if (this.channels.size >= MAX_CHANNELS)
        this.channels.delete(this.channels.values().next().value as number);
      this.channels.add(newCid);
    }
    const fw = this.opts.firmwareVersion;
    const body = new Uint8Array(17);
    body.set(nonce, 0);
    new DataView(body.buffer).setUint32(8, newCid);
    body[12] = 2; // CTAPHID protocol version
    body[13] = (fw >> 16) & 0xff;
    body[14] = (fw >> 8) & 0xff;
    body[15] = fw & 0xff;
    body[16] =
      (this.opts.onWink ? CtapHidCapability.WINK : 0) |
      (this.opts.handleCbor ? CtapHidCapability.CBOR : 0) |
      (this.opts.handleMsg ? 0 : CtapHidCapability.NMSG);
    this.reply(port, cid, CtapHidCommand.INIT, body);
  }

  /**
   * One transaction (CBOR or MSG) on the key: busy until it answers; CBOR requests send
   * keepalives meanwhile (U2F keys answer at once and send none).
   */
  private run(
    port: HidPort,
    cid: number,
    cmd: number,
    request: Uint8Array,
    handler: (request: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>,
    keepalives: boolean,
  ): void {
    const abort = new AbortController();
    const keepalive = setInterval(() => {
      if (!keepalives || this.pending?.abort !== abort) return;
      this.reply(port, cid, CtapHidCommand.KEEPALIVE, Uint8Array.of(this.opts.keepaliveStatus()));
    }, KEEPALIVE_INTERVAL_MS);
    const pending: Pending = { cid, port, abort, keepalive };
    this.pending = pending;
    handler(request, abort.signal)
      .catch(() => (keepalives ? Uint8Array.of(0x7f) : Uint8Array.of(0x6f, 0x00)))
      .then((response) => {
        clearInterval(keepalive);
        if (this.pending !== pending) return; // aborted by INIT resync or power loss
        this.pending = undefined;
        this.reply(port, cid, cmd, response);
      });
  }

  private abortPending(): void {
    if (!this.pending) return;
    clearInterval(this.pending.keepalive);
    this.pending.abort.abort();
    this.pending = undefined;
  }

  private error(port: HidPort, cid: number, code: number): void {
    this.reply(port, cid, CtapHidCommand.ERROR, Uint8Array.of(code));
  }

  /** Frame a response into an init packet and continuation packets (§11.2.4). */
  private reply(port: HidPort, cid: number, cmd: number, data: Uint8Array): void {
    for (const report of frameMessage(cid, cmd, data)) this.opts.send(port, report);
  }
}

export function frameMessage(cid: number, cmd: number, data: Uint8Array): Uint8Array[] {
  const reports: Uint8Array[] = [];
  const first = new Uint8Array(HID_REPORT_SIZE);
  const v = new DataView(first.buffer);
  v.setUint32(0, cid);
  first[4] = 0x80 | cmd;
  v.setUint16(5, data.length);
  first.set(data.subarray(0, INIT_PAYLOAD_SIZE), 7);
  reports.push(first);
  let offset = INIT_PAYLOAD_SIZE;
  let seq = 0;
  while (offset < data.length) {
    const r = new Uint8Array(HID_REPORT_SIZE);
    new DataView(r.buffer).setUint32(0, cid);
    r[4] = seq++;
    r.set(data.subarray(offset, offset + CONT_PAYLOAD_SIZE), 5);
    reports.push(r);
    offset += CONT_PAYLOAD_SIZE;
  }
  return reports;
}

export { KeepaliveStatus };

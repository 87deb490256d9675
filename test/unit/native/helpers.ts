/**
 * Test doubles for the CTAP client: a tiny scripted CTAPHID responder on top of
 * ReplayHidConnection (no virtual key, no node-hid), deterministic randomness matching
 * golden/make-pin-golden.py, and capture loading.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeCanonical, type CborValue } from '../../../native/cbor';
import { CTAPHID_BROADCAST_CID, CtapHidCommand } from '../../../native/ctaphid/constants';
import { MessageAssembler, encodeFrames } from '../../../native/ctaphid/framing';
import { ReplayHidConnection } from '../../../native/hid/replay';

export const hex = (s: string): Uint8Array =>
  new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Same stream as Stream in golden/make-pin-golden.py. */
export function deterministicRandom(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = ((i + k) * 7 + 1) % 256;
    i += n;
    return out;
  };
}

export interface WireData {
  captures: Record<string, string[]>;
}

export function loadWireData(): WireData {
  const path = fileURLToPath(new URL('../../fixtures/real-key-wiredata.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as WireData;
}

export function loadPinGolden(): Record<string, Record<string, string>> & {
  authenticatorKeyAgreement: { x: string; y: string };
} {
  const path = fileURLToPath(new URL('./golden/pin-golden.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'));
}

export const TEST_CID = 0x01020304;

/** What a scripted key does with one CTAPHID message on its channel. */
export type ScriptReply =
  | { kind: 'reply'; command?: number; payload: Uint8Array }
  /** Raw reports as the key would send them (keepalives, garbage, another channel…). */
  | { kind: 'reports'; reports: Uint8Array[] }
  | { kind: 'silent' };

export type Script = (command: number, payload: Uint8Array) => ScriptReply;

/** CBOR reply helper: status 0 ‖ canonical CBOR. */
export function ok(value?: CborValue): ScriptReply {
  if (value === undefined) return { kind: 'reply', payload: Uint8Array.of(0) };
  const body = encodeCanonical(value);
  const out = new Uint8Array(1 + body.length);
  out.set(body, 1);
  return { kind: 'reply', payload: out };
}

export function status(code: number): ScriptReply {
  return { kind: 'reply', payload: Uint8Array.of(code) };
}

export function initReply(nonce: Uint8Array, cid = TEST_CID, caps = 0x05): Uint8Array {
  const p = new Uint8Array(17);
  p.set(nonce.subarray(0, 8));
  new DataView(p.buffer).setUint32(8, cid);
  p.set([2, 5, 2, 1, caps], 12);
  return p;
}

/**
 * A scripted CTAPHID key: answers INIT with the nonce on TEST_CID, reassembles every request on
 * TEST_CID and hands it to `script`. Requests seen are kept in `requests`.
 */
export function scriptedKey(script: Script, opts: { caps?: number } = {}) {
  const requests: { command: number; payload: Uint8Array }[] = [];
  let assembler = new MessageAssembler(TEST_CID);
  const broadcast = new MessageAssembler(CTAPHID_BROADCAST_CID);
  const connection = new ReplayHidConnection((report) => {
    const b = broadcast.push(report);
    if (b.kind === 'complete' && b.message.command === CtapHidCommand.INIT) {
      return encodeFrames(
        CTAPHID_BROADCAST_CID,
        CtapHidCommand.INIT,
        initReply(b.message.payload, TEST_CID, opts.caps),
      );
    }
    const step = assembler.push(report);
    if (step.kind !== 'complete') return [];
    assembler = new MessageAssembler(TEST_CID);
    const { command, payload } = step.message;
    requests.push({ command, payload });
    const r = script(command, payload);
    if (r.kind === 'silent') return [];
    if (r.kind === 'reports') return r.reports;
    return encodeFrames(TEST_CID, r.command ?? command, r.payload);
  });
  return { connection, requests };
}

export function keepalive(status: number, cid = TEST_CID): Uint8Array {
  return encodeFrames(cid, CtapHidCommand.KEEPALIVE, Uint8Array.of(status))[0];
}

/**
 * Split a capture into messages (a new init packet starts one) and give every report of a
 * message the CID of its init packet: libfido2's fuzz wiredata has rewritten CIDs on
 * continuation packets (its harness doesn't check them), the bytes are otherwise as recorded.
 */
export function captureMessages(reportsHex: readonly string[]): Uint8Array[][] {
  const messages: Uint8Array[][] = [];
  for (const h of reportsHex) {
    const r = hex(h);
    if (r[4] & 0x80) messages.push([r]);
    else {
      const current = messages[messages.length - 1];
      const fixed = new Uint8Array(r);
      fixed.set(current[0].subarray(0, 4));
      current.push(fixed);
    }
  }
  return messages;
}

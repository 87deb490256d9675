import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CTAPHID_BROADCAST_CID, MAX_MESSAGE_SIZE } from '../../../native/ctaphid/constants';
import { decodeInitResponse } from '../../../native/ctaphid/device';
import {
  MessageAssembler,
  assembleReports,
  encodeFrames,
  frameCount,
} from '../../../native/ctaphid/framing';
import { TransportError } from '../../../native/errors';
import { captureMessages, hex, loadWireData, toHex } from './helpers';

const wire = loadWireData();

describe('CTAPHID framing (§11.2.4)', () => {
  it('encodes a short message as one zero-padded init packet', () => {
    const [r, ...rest] = encodeFrames(0x00220002, 0x10, Uint8Array.of(0x04));
    expect(rest).toHaveLength(0);
    expect(toHex(r)).toBe('00220002' + '90' + '0001' + '04' + '00'.repeat(56));
  });

  it('splits 57 + 59·n bytes into init + continuation packets with seq 0,1,…', () => {
    const payload = Uint8Array.from({ length: 57 + 59 + 1 }, (_, i) => i & 0xff);
    const reports = encodeFrames(0xcafebabe, 0x10, payload);
    expect(reports).toHaveLength(3);
    expect(toHex(reports[0].subarray(0, 7))).toBe('cafebabe900075');
    expect(reports[1][4]).toBe(0);
    expect(reports[2][4]).toBe(1);
    expect(reports[2][5]).toBe(payload[116]);
    expect(reports[2].subarray(6).every((b) => b === 0)).toBe(true);
    expect(assembleReports(0xcafebabe, reports).payload).toEqual(payload);
  });

  it('round-trips the maximum size of 7609 bytes in 129 reports, and refuses 7610', () => {
    const payload = Uint8Array.from({ length: MAX_MESSAGE_SIZE }, (_, i) => (i * 13) & 0xff);
    const reports = encodeFrames(1, 0x10, payload);
    expect(reports).toHaveLength(129);
    expect(frameCount(MAX_MESSAGE_SIZE)).toBe(129);
    expect(reports[128][4]).toBe(127);
    expect(assembleReports(1, reports).payload).toEqual(payload);
    expect(() => encodeFrames(1, 0x10, new Uint8Array(MAX_MESSAGE_SIZE + 1))).toThrow(
      TransportError,
    );
  });

  it('ignores other channels, rejects bad sequence, oversized length and orphan continuations', () => {
    const a = new MessageAssembler(7);
    expect(a.push(encodeFrames(8, 0x10, Uint8Array.of(1))[0]).kind).toBe('ignored');
    const frames = encodeFrames(7, 0x10, new Uint8Array(200));
    a.push(frames[0]);
    expect(() => a.push(frames[2])).toThrow(expect.objectContaining({ code: 'sequence' }));

    const oversized = new Uint8Array(64);
    oversized.set([0, 0, 0, 7, 0x90, 0x1d, 0xba]); // 7610
    expect(() => new MessageAssembler(7).push(oversized)).toThrow(
      expect.objectContaining({ code: 'invalid-length' }),
    );
    const orphan = new Uint8Array(64);
    orphan.set([0, 0, 0, 7, 0x00]);
    expect(() => new MessageAssembler(7).push(orphan)).toThrow(
      expect.objectContaining({ code: 'invalid-report' }),
    );
    expect(() => new MessageAssembler(7).push(new Uint8Array(63))).toThrow(
      expect.objectContaining({ code: 'invalid-report' }),
    );
  });

  it('reassembles every recorded real-key capture', () => {
    for (const [name, reportsHex] of Object.entries(wire.captures)) {
      for (const reports of captureMessages(reportsHex)) {
        const cid = new DataView(reports[0].buffer).getUint32(0);
        const message = assembleReports(cid, reports);
        expect(message.payload.length, name).toBe(new DataView(reports[0].buffer).getUint16(5));
        expect(frameCount(message.payload.length), name).toBe(reports.length);
      }
    }
  });

  it("treats the captures' foreign-CID continuations as another channel (ignored)", () => {
    // libfido2's fuzz wiredata mixes CIDs (its harness does not check them); a real client must
    // not take continuation packets from another channel into its message.
    const raw = wire.captures.ctap_cbor_assert.map(hex);
    const a = new MessageAssembler(0x00220002);
    expect(a.push(raw[0]).kind).toBe('partial');
    expect(a.push(raw[1]).kind).toBe('ignored');
  });

  it('decodes the recorded INIT reply and checks the nonce', () => {
    const reports = wire.captures.ctap_init.map(hex);
    const message = assembleReports(CTAPHID_BROADCAST_CID, reports);
    const nonce = hex('80435640b14ed92d');
    const init = decodeInitResponse(message.payload, nonce);
    expect(init.channelId).toBe(0x00220002);
    expect(init.ctaphidVersion).toBe(2);
    expect(init.deviceVersion).toEqual({ major: 5, minor: 2, build: 1 });
    expect(init.capabilities).toEqual({ wink: true, cbor: true, nmsg: false });
    expect(() => decodeInitResponse(message.payload, hex('0000000000000000'))).toThrow(
      expect.objectContaining({ code: 'nonce-mismatch' }),
    );
  });
});

describe('CTAPHID reassembly fuzzing', () => {
  const report = fc.uint8Array({ minLength: 0, maxLength: 80 });
  it('garbage reports: only TransportError, never a crash, always terminates', () => {
    fc.assert(
      fc.property(
        fc.array(report, { maxLength: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (reports, cid) => {
          const a = new MessageAssembler(cid);
          for (const r of reports) {
            try {
              a.push(r);
            } catch (e) {
              expect(e).toBeInstanceOf(TransportError);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('mutated valid messages: a typed error or the exact payload', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(63), fc.integer({ min: 0, max: 255 })), {
          maxLength: 4,
        }),
        (payload, mutations) => {
          const reports = encodeFrames(5, 0x10, payload).map((r) => new Uint8Array(r));
          for (const [ri, bi, v] of mutations) reports[ri % reports.length][bi] = v;
          try {
            const m = assembleReports(5, reports);
            expect(m.payload.length).toBeLessThanOrEqual(MAX_MESSAGE_SIZE);
          } catch (e) {
            expect(e).toBeInstanceOf(TransportError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any INIT reply payload decodes or fails with a TransportError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (p, nonce) => {
          try {
            decodeInitResponse(p, nonce);
          } catch (e) {
            expect(e).toBeInstanceOf(TransportError);
          }
        },
      ),
    );
  });
});

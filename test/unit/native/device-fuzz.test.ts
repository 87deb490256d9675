import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CtapHidDevice } from '../../../native/ctaphid/device';
import { encodeFrames } from '../../../native/ctaphid/framing';
import { Ctap2 } from '../../../native/ctap2/client';
import { CtapError } from '../../../native/ctap2/status';
import { TransportError } from '../../../native/errors';
import { TEST_CID, scriptedKey, type ScriptReply } from './helpers';

/** A hostile key: every reply is arbitrary reports, some on our channel with random headers. */
const hostileReports = fc.array(
  fc.oneof(
    fc.uint8Array({ minLength: 64, maxLength: 64 }),
    fc.uint8Array({ minLength: 60, maxLength: 60 }).map((tail) => {
      const r = new Uint8Array(64);
      new DataView(r.buffer).setUint32(0, TEST_CID);
      r.set(tail, 4);
      return r;
    }),
    fc.uint8Array({ maxLength: 300 }).map((p) => encodeFrames(TEST_CID, 0x10, p)[0]),
  ),
  { maxLength: 12 },
);

describe('CtapHidDevice + Ctap2 against a hostile key', () => {
  it('every outcome is a TransportError or CtapError within the deadline', async () => {
    await fc.assert(
      fc.asyncProperty(hostileReports, async (reports) => {
        const { connection } = scriptedKey((): ScriptReply => ({ kind: 'reports', reports }));
        const device = await CtapHidDevice.open(connection);
        const t0 = Date.now();
        try {
          await Ctap2.open(device, { timeoutMs: 60 });
        } catch (e) {
          expect(e instanceof TransportError || e instanceof CtapError).toBe(true);
        }
        // deadline 60 ms + CANCEL drain 400 ms at most
        expect(Date.now() - t0).toBeLessThan(1500);
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

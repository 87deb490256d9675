/** CTAPHID layer of the virtual key (CTAP 2.1 §11.2): byte-exact replies and error paths. */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransportError } from '../../../native/errors';
import { VirtualKey } from '../../../native/virtual-key';
import { BROADCAST, CMD, TestPlatform, contPacket, frame, initPacket, mc } from './harness';
import { encodeCanonical } from '../../../native/cbor';

const keys: VirtualKey[] = [];
function newKey(opts: ConstructorParameters<typeof VirtualKey>[0] = {}): VirtualKey {
  const k = new VirtualKey({ seed: 'ctaphid', messageTimeoutMs: 60, touchTimeoutMs: 400, ...opts });
  keys.push(k);
  return k;
}
afterEach(() => {
  for (const k of keys.splice(0)) k.unplug();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function expectError(p: TestPlatform, cid: number, code: number): Promise<void> {
  const r = await p.receive(cid);
  expect(r.cmd).toBe(CMD.ERROR);
  expect([...r.data]).toEqual([code]);
}

describe('CTAPHID INIT', () => {
  it('echoes the nonce and allocates a channel (17-byte reply, §11.2.9.1.3)', async () => {
    const key = newKey({ firmwareVersion: 0x010203 });
    const p = new TestPlatform(key.connect());
    await p.send([initPacket(BROADCAST, CMD.INIT, 8, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))]);
    const raw = await p.conn.readReport(1000);
    expect(hex(raw.subarray(0, 15))).toBe('ffffffff860011' + '0102030405060708');
    const cid = new DataView(raw.buffer, raw.byteOffset).getUint32(15);
    expect(cid).not.toBe(0);
    expect(cid).not.toBe(BROADCAST);
    // protocol 2, device version 1.2.3, capabilities WINK|CBOR|NMSG
    expect(hex(raw.subarray(19, 24))).toBe('020102030d');
    expect(raw.subarray(24).every((b) => b === 0)).toBe(true);
  });

  it('gives two clients two channels and resynchronises an allocated channel with the same CID', async () => {
    const key = newKey();
    const a = new TestPlatform(key.connect());
    const b = new TestPlatform(key.connect());
    const ca = await a.init();
    const cb = await b.init();
    expect(ca).not.toBe(cb);
    const r = await a.transact(CMD.INIT, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9), ca);
    expect(new DataView(r.data.buffer).getUint32(8)).toBe(ca);
  });

  it('rejects a wrong INIT length with ERR_INVALID_LEN', async () => {
    const p = new TestPlatform(newKey().connect());
    await p.send([initPacket(BROADCAST, CMD.INIT, 7, Uint8Array.of(1, 2, 3, 4, 5, 6, 7))]);
    const raw = await p.conn.readReport(1000);
    expect(hex(raw.subarray(0, 8))).toBe('ffffffffbf000103');
  });
});

describe('CTAPHID channel and command errors', () => {
  it('INVALID_CHANNEL for CID 0, the broadcast CID with a non-INIT command, and unallocated CIDs', async () => {
    const p = new TestPlatform(newKey().connect());
    await p.send([initPacket(0, CMD.PING, 1, Uint8Array.of(1))]);
    await expectError(p, 0, 0x0b);
    await p.send([initPacket(BROADCAST, CMD.PING, 1, Uint8Array.of(1))]);
    await expectError(p, BROADCAST, 0x0b);
    await p.send([initPacket(0x01020304, CMD.PING, 1, Uint8Array.of(1))]);
    await expectError(p, 0x01020304, 0x0b);
  });

  it('INVALID_CMD for MSG (no U2F), LOCK and unknown commands', async () => {
    const p = new TestPlatform(newKey().connect());
    const cid = await p.init();
    for (const cmd of [CMD.MSG, 0x04, 0x55]) {
      await p.send([initPacket(cid, cmd, 0)]);
      await expectError(p, cid, 0x01);
    }
  });

  it('INVALID_LEN for a declared length above 7609, an empty CBOR and a WINK with payload', async () => {
    const p = new TestPlatform(newKey().connect());
    const cid = await p.init();
    await p.send([initPacket(cid, CMD.PING, 7610)]);
    await expectError(p, cid, 0x03);
    await p.send([initPacket(cid, CMD.CBOR, 0)]);
    await expectError(p, cid, 0x03);
    await p.send([initPacket(cid, CMD.WINK, 1, Uint8Array.of(1))]);
    await expectError(p, cid, 0x03);
  });

  it('echoes a multi-packet PING and answers WINK (event emitted)', async () => {
    const key = newKey();
    let winks = 0;
    key.on('wink', () => winks++);
    const p = new TestPlatform(key.connect());
    await p.init();
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const r = await p.transact(CMD.PING, data);
    expect(r.cmd).toBe(CMD.PING);
    expect(r.data).toEqual(data);
    const w = await p.transact(CMD.WINK, new Uint8Array(0));
    expect(w.cmd).toBe(CMD.WINK);
    expect(winks).toBe(1);
  });

  it('a key without a light (wink: false): INIT leaves out the WINK capability, WINK is ERR_INVALID_CMD', async () => {
    const key = newKey({ wink: false });
    let winks = 0;
    key.on('wink', () => winks++);
    const p = new TestPlatform(key.connect());
    await p.send([initPacket(BROADCAST, CMD.INIT, 8, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))]);
    const raw = await p.conn.readReport(1000);
    // capabilities CBOR|NMSG only
    expect(raw[23]).toBe(0x0c);
    const cid = new DataView(raw.buffer, raw.byteOffset).getUint32(15);
    await p.send([initPacket(cid, CMD.WINK, 0)]);
    await expectError(p, cid, 0x01);
    expect(winks).toBe(0);
  });

  it('INVALID_SEQ for an out-of-order continuation; the channel still works afterwards', async () => {
    const p = new TestPlatform(newKey().connect());
    const cid = await p.init();
    const data = new Uint8Array(200).fill(7);
    const [first, , second] = frame(cid, CMD.PING, data);
    await p.send([first, second]); // seq 1 instead of 0
    await expectError(p, cid, 0x04);
    expect((await p.transact(CMD.PING, data)).data).toEqual(data);
  });

  it('ignores spurious continuation packets', async () => {
    const p = new TestPlatform(newKey().connect());
    const cid = await p.init();
    await p.send([contPacket(cid, 0, Uint8Array.of(1, 2, 3))]);
    expect((await p.transact(CMD.PING, Uint8Array.of(5))).data).toEqual(Uint8Array.of(5));
  });

  it('MSG_TIMEOUT when the rest of a message does not arrive', async () => {
    const p = new TestPlatform(newKey({ messageTimeoutMs: 40 }).connect());
    const cid = await p.init();
    const [first] = frame(cid, CMD.PING, new Uint8Array(100));
    await p.send([first]);
    await expectError(p, cid, 0x05);
  });

  it('CHANNEL_BUSY for another channel while a message is being reassembled', async () => {
    const key = newKey({ messageTimeoutMs: 300 });
    const a = new TestPlatform(key.connect());
    const b = new TestPlatform(key.connect());
    const ca = await a.init();
    const cb = await b.init();
    const [first, cont] = frame(ca, CMD.PING, new Uint8Array(100).fill(1));
    await a.send([first]);
    await b.send([initPacket(cb, CMD.PING, 1, Uint8Array.of(1))]);
    await expectError(b, cb, 0x06);
    await b.send([initPacket(cb, CMD.CANCEL, 0)]); // CANCEL is never answered
    await expect(b.conn.readReport(30)).rejects.toMatchObject({ code: 'timeout' });
    await a.send([cont]);
    expect((await a.receive(ca)).data).toEqual(new Uint8Array(100).fill(1));
  });
});

describe('CTAPHID while a CBOR request waits for a touch', () => {
  it('sends UPNEEDED keepalives, answers others with CHANNEL_BUSY and honours CANCEL (→ 0x2D)', async () => {
    const key = newKey({ touch: 'manual', touchTimeoutMs: 5000 });
    const a = new TestPlatform(key.connect());
    const b = new TestPlatform(key.connect());
    const ca = await a.init();
    const cb = await b.init();
    let upneeded = 0;
    key.on('upneeded', () => upneeded++);
    await a.send(frame(ca, CMD.CBOR, Uint8Array.from([0x0b]))); // authenticatorSelection
    const ka = await a.conn.readReport(1000);
    expect(hex(ka.subarray(4, 8))).toBe('bb000102'); // KEEPALIVE, len 1, UPNEEDED
    expect(upneeded).toBe(1);
    await b.send([initPacket(cb, CMD.PING, 1, Uint8Array.of(1))]);
    await expectError(b, cb, 0x06);
    await a.send([initPacket(ca, CMD.CANCEL, 0)]);
    const r = await a.receive(ca);
    expect(r.cmd).toBe(CMD.CBOR);
    expect([...r.data]).toEqual([0x2d]);
    expect(key.waitingForTouch).toBe(false);
  });

  it('a touch completes the request; a manual timeout is USER_ACTION_TIMEOUT; deny is OPERATION_DENIED', async () => {
    const key = newKey({ touch: 'manual', touchTimeoutMs: 400 });
    const p = new TestPlatform(key.connect());
    await p.init();
    // Touched once the key has said so with a keepalive (UPNEEDED), as a person would.
    p.onKeepalive = () => {
      if (key.waitingForTouch) key.touch();
    };
    const touched = await p.ctap(0x0b);
    p.onKeepalive = undefined;
    expect(touched.status).toBe(0);
    expect(touched.keepalives.length).toBeGreaterThanOrEqual(1);
    expect((await p.ctap(0x0b)).status).toBe(0x2f);
    key.once('upneeded', () => key.deny());
    expect((await p.ctap(0x0b)).status).toBe(0x27);
    key.setTouchMode('deny');
    expect((await p.ctap(0x0b)).status).toBe(0x27);
  });
});

describe('device controls', () => {
  it('unplug fails pending reads and new connections; plugIn brings the key back', async () => {
    const key = newKey();
    const conn = key.connect();
    const pending = conn.readReport(5000);
    key.unplug();
    await expect(pending).rejects.toMatchObject({ name: 'TransportError', code: 'unplugged' });
    await expect(conn.writeReport(new Uint8Array(64))).rejects.toBeInstanceOf(TransportError);
    expect(() => key.connect()).toThrow(TransportError);
    key.plugIn();
    const p = new TestPlatform(key.connect());
    await p.init();
    expect((await p.transact(CMD.PING, Uint8Array.of(1))).data).toEqual(Uint8Array.of(1));
  });

  it('rejects writes that are not 64 bytes and reads time out / abort with typed errors', async () => {
    const conn = newKey().connect();
    await expect(conn.writeReport(new Uint8Array(65))).rejects.toMatchObject({
      code: 'invalid-report',
    });
    await expect(conn.readReport(10)).rejects.toMatchObject({ code: 'timeout' });
    const ac = new AbortController();
    const r = conn.readReport(5000, ac.signal);
    ac.abort();
    await expect(r).rejects.toMatchObject({ code: 'cancelled' });
    await conn.close();
    await expect(conn.readReport(10)).rejects.toMatchObject({ code: 'closed' });
  });

  it('per-report latency paces reports (≥ latency per report each way)', async () => {
    const key = newKey({ reportLatencyMs: 2 });
    const p = new TestPlatform(key.connect());
    await p.init();
    const data = new Uint8Array(500); // 9 reports each way
    const t0 = performance.now();
    await p.transact(CMD.PING, data);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30);
  });

  it('fault injection drops or corrupts reports', async () => {
    const key = newKey();
    const p = new TestPlatform(key.connect());
    const cid = await p.init();
    key.injectFault({ dropReports: 1 });
    await p.send([initPacket(cid, CMD.PING, 1, Uint8Array.of(1))]);
    await expect(p.conn.readReport(50)).rejects.toMatchObject({ code: 'timeout' });
    key.injectFault({ corruptReports: 1 });
    await p.send([initPacket(cid, CMD.PING, 1, Uint8Array.of(1))]);
    const corrupted = await p.conn.readReport(500);
    expect(hex(corrupted)).not.toBe(hex(initPacket(cid, CMD.PING, 1, Uint8Array.of(1))));
    key.injectFault({ dropReports: 1, direction: 'in' });
    await p.send([initPacket(cid, CMD.PING, 1, Uint8Array.of(2))]);
    await expect(p.conn.readReport(50)).rejects.toMatchObject({ code: 'timeout' });
    expect((await p.transact(CMD.PING, Uint8Array.of(3))).data).toEqual(Uint8Array.of(3));
  });

  it("replyRouting 'all' delivers replies to every open handle (hidraw semantics)", async () => {
    const key = newKey({ replyRouting: 'all' });
    const a = new TestPlatform(key.connect());
    const b = key.connect();
    await a.init();
    const seen = await b.readReport(500);
    expect(seen[4]).toBe(0x86);
  });
});

describe('fuzzed input', () => {
  it('survives garbage reports, then still answers a good request', async () => {
    const key = newKey({ messageTimeoutMs: 5 });
    const p = new TestPlatform(key.connect());
    const cid = await p.init();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.boolean(),
        async (report, onOurChannel) => {
          if (onOurChannel) new DataView(report.buffer).setUint32(0, cid);
          await p.conn.writeReport(report);
        },
      ),
      { numRuns: 300 },
    );
    // A message the fuzz left half-sent times out (5 ms); until then INIT may be refused busy.
    const reply = await vi.waitFor(
      async () => {
        const r = await p.transact(CMD.INIT, Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1), BROADCAST);
        expect(r.cmd).toBe(CMD.INIT);
        return r;
      },
      { timeout: 2000, interval: 5 },
    );
    p.cid = new DataView(reply.data.buffer).getUint32(8);
    expect((await p.transact(CMD.PING, Uint8Array.of(42))).data).toEqual(Uint8Array.of(42));
  });

  it('answers random CBOR bodies for every command with a status byte or canonical CBOR', async () => {
    const key = newKey();
    const p = new TestPlatform(key.connect());
    await p.init();
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: -100, max: 100 }),
        fc.string({ maxLength: 8 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.boolean(),
        fc.array(tie('v'), { maxLength: 3 }),
        fc
          .array(
            fc.tuple(
              fc.oneof(
                fc.integer({ min: -3, max: 12 }),
                fc.constantFrom('id', 'rk', 'up', 'alg', 'type'),
              ),
              tie('v'),
            ),
            { maxLength: 5 },
          )
          .map((e) => new Map(e)),
      ),
    })).v;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 2, 4, 6, 7, 8, 0x0a, 0x0b, 0x0d, 0x41, 0x55),
        value,
        fc.option(fc.uint8Array({ maxLength: 30 })),
        async (cmd, params, garbage) => {
          const body = garbage ?? encodeCanonical(params as never);
          const reply = await p.transact(CMD.CBOR, Uint8Array.from([cmd, ...body]));
          expect(reply.cmd).toBe(CMD.CBOR);
          expect(reply.data.length).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
    expect((await p.ctap(0x04)).status).toBe(0);
    // A good makeCredential still works afterwards (reset may have run: any state is fine).
    expect((await p.ctap(0x01, mc())).status).toBe(0);
  });
});

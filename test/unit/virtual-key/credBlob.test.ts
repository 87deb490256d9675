/** credBlob extension and the auto-touch delay of the virtual key. */
import { describe, expect, it } from 'vitest';
import { credentialIdOf, ga, mc } from './harness';
import { S, open } from './keyFixture';

describe('credBlob and auto touch delay', () => {
  it('stores a credBlob of up to 32 bytes on discoverable credentials and returns it on request', async () => {
    const { p } = await open();
    const { decodeCbor } = await import('../../../native/cbor');
    const { cborItemLength } = await import('../../../native/virtual-key/cborRaw');
    const extOf = (authData: Uint8Array, attested: boolean) => {
      let off = 37;
      if (attested) {
        off = 55 + ((authData[53] << 8) | authData[54]);
        off += cborItemLength(authData, off);
      }
      return decodeCbor(authData.subarray(off)) as Map<string, unknown>;
    };
    const blob = Uint8Array.of(1, 2, 3, 4, 5);
    const made = await p.ctap(0x01, mc({ rk: true, ext: new Map([['credBlob', blob]]) }));
    expect(extOf(made.body?.get(2) as Uint8Array, true).get('credBlob')).toBe(true);
    const tooBig = await p.ctap(
      0x01,
      mc({ userId: 'u2', rk: true, ext: new Map([['credBlob', new Uint8Array(33)]]) }),
    );
    expect(extOf(tooBig.body?.get(2) as Uint8Array, true).get('credBlob')).toBe(false);
    const a = await p.ctap(
      0x02,
      ga({ allow: [credentialIdOf(made.body)], ext: new Map([['credBlob', true]]) }),
    );
    expect(extOf(a.body?.get(2) as Uint8Array, false).get('credBlob')).toEqual(blob);
  });

  it('auto mode with a delay sends UPNEEDED keepalives and emits upneeded/upcleared', async () => {
    const { key, p } = await open({ autoTouchDelayMs: 350 });
    const events: string[] = [];
    key.on('upneeded', () => events.push('upneeded'));
    key.on('upcleared', (o) => events.push(o));
    const r = await p.ctap(0x0b);
    expect(r.status).toBe(S.OK);
    expect(r.keepalives.length).toBeGreaterThanOrEqual(1);
    expect(new Set(r.keepalives)).toEqual(new Set([2]));
    expect(events).toEqual(['upneeded', 'touched']);
  });
});

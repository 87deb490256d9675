/** Built-in user verification of the virtual key (option builtInUv; CTAP 2.1 §6.5.5.7.3). */
import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { ga, intMap, mc } from './harness';
import { PERM, S, open } from './keyFixture';

describe('built-in UV (option builtInUv)', () => {
  const uvOpt = (m: Map<number, CborValue>, key: number) => {
    m.set(key, new Map<string, CborValue>([['uv', true]]));
    return m;
  };

  it('advertises uv, performs UV for "uv": true with one gesture, counts down to UV_BLOCKED', async () => {
    const { key, p, pin2 } = await open({ builtInUv: true, touch: 'manual', touchTimeoutMs: 1000 });
    let gestures = 0;
    key.on('upneeded', () => {
      gestures++;
      key.touch();
    });
    const info = (await p.ctap(0x04)).body as Map<number, unknown>;
    expect((info.get(4) as Map<string, boolean>).get('uv')).toBe(true);
    expect(info.get(0x12)).toBe(2);
    const uvRetries = async () => (await p.ctap(0x06, intMap({ 1: 2, 2: 7 }))).body?.get(5);
    expect(await uvRetries()).toBe(8);
    const made = await p.ctap(0x01, uvOpt(mc(), 7));
    expect(made.status).toBe(S.OK);
    expect((made.body?.get(2) as Uint8Array)[32] & 0x05).toBe(0x05);
    expect(gestures).toBe(1);
    // A UV token carries the presence of its gesture: the ceremony needs no second touch.
    const { cose, shared } = await pin2.keyAgreement();
    const tokenReply = await p.ctap(
      0x06,
      intMap({ 1: 2, 2: 6, 3: cose, 9: PERM.mc, 10: 'example.com' }),
    );
    expect(tokenReply.status).toBe(S.OK);
    const token = pin2.decrypt(shared, tokenReply.body?.get(2) as Uint8Array);
    expect(gestures).toBe(2);
    expect(
      (
        await p.ctap(
          0x01,
          mc({ userId: 'u9', puat: pin2.authenticate(token, mc().get(1) as Uint8Array) }),
        )
      ).status,
    ).toBe(S.OK);
    expect(gestures).toBe(2);
    key.setUvResult('nomatch');
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push((await p.ctap(0x02, uvOpt(ga(), 5))).status);
    expect(seen).toEqual([...Array(7).fill(0x3f), 0x3c]); // UV_INVALID ×7, then UV_BLOCKED
    expect(await uvRetries()).toBe(0);
    key.setUvResult('match');
    expect((await p.ctap(0x01, uvOpt(mc(), 7))).status).toBe(0x3c);
    expect(key.summary.uvRetries).toBe(0);
  });

  it('alwaysUv with built-in UV verifies the user instead of demanding a pinUvAuthParam', async () => {
    const { p } = await open({ builtInUv: true, alwaysUv: true });
    const r = await p.ctap(0x01, mc());
    expect(r.status).toBe(S.OK);
    expect((r.body?.get(2) as Uint8Array)[32] & 0x04).toBe(0x04);
  });
});

/** authenticatorConfig and forcePINChange of the virtual key (CTAP 2.1 §6.11). */
import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { ga, intMap, mc } from './harness';
import { PERM, PIN, S, withPin } from './keyFixture';

describe('authenticatorConfig and forcePINChange', () => {
  it('toggleAlwaysUv, setMinPINLength with forceChangePin, minPinLength extension', async () => {
    const { p, pin2 } = await withPin();
    const { encodeCanonical } = await import('../../../native/cbor');
    const config = async (sub: number, params?: Map<number, CborValue>) => {
      const token = (await pin2.token(PIN, PERM.acfg)).token as Uint8Array;
      const msg = Uint8Array.from([
        ...new Uint8Array(32).fill(0xff),
        0x0d,
        sub,
        ...(params ? encodeCanonical(params) : []),
      ]);
      const m = intMap({ 1: sub, 3: 2, 4: pin2.authenticate(token, msg) });
      if (params) m.set(2, params);
      return (await p.ctap(0x0d, m)).status;
    };
    expect((await p.ctap(0x0d, new Map([[1, 2]]))).status).toBe(S.PUAT_REQUIRED);
    const noAcfg = (await pin2.token(PIN, PERM.mc)).token as Uint8Array;
    const msg = Uint8Array.from([...new Uint8Array(32).fill(0xff), 0x0d, 2]);
    expect(
      (await p.ctap(0x0d, intMap({ 1: 2, 3: 2, 4: pin2.authenticate(noAcfg, msg) }))).status,
    ).toBe(S.PIN_AUTH_INVALID);
    expect(await config(2)).toBe(S.OK);
    let options = (await p.ctap(0x04)).body?.get(4) as Map<string, boolean>;
    expect([options.get('alwaysUv'), options.get('makeCredUvNotRqd')]).toEqual([true, false]);
    expect((await p.ctap(0x01, mc())).status).toBe(S.PUAT_REQUIRED);
    expect((await p.ctap(0x02, ga())).status).toBe(S.PUAT_REQUIRED);
    expect(await config(2)).toBe(S.OK);
    options = (await p.ctap(0x04)).body?.get(4) as Map<string, boolean>;
    expect(options.get('alwaysUv')).toBe(false);
    expect(await config(1)).toBe(S.INVALID_PARAMETER); // enterprise attestation unsupported
    expect(await config(3, new Map([[1, 3]]))).toBe(S.PIN_POLICY_VIOLATION);
    expect(await config(3, intMap({ 1: 6, 2: ['example.com'] }))).toBe(S.OK);
    const info = (await p.ctap(0x04)).body as Map<number, unknown>;
    expect([info.get(0x0c), info.get(0x0d)]).toEqual([true, 6]); // PIN '1234' is now too short
    expect((await pin2.token(PIN, PERM.ga)).status).toBe(S.PIN_POLICY_VIOLATION);
    expect(await pin2.changePin(PIN, '12345')).toBe(S.PIN_POLICY_VIOLATION);
    expect(await pin2.changePin(PIN, '123456')).toBe(S.OK);
    expect(((await p.ctap(0x04)).body as Map<number, unknown>).get(0x0c)).toBe(false);
    const made = await p.ctap(0x01, mc({ ext: new Map([['minPinLength', true]]) }));
    const { decodeCbor } = await import('../../../native/cbor');
    const ad = made.body?.get(2) as Uint8Array;
    const idLen = (ad[53] << 8) | ad[54];
    const tail = ad.subarray(55 + idLen);
    // COSE key then extensions: decode both by re-reading the tail in two steps.
    const { cborItemLength } = await import('../../../native/virtual-key/cborRaw');
    const ext = decodeCbor(tail.subarray(cborItemLength(tail, 0))) as Map<string, number>;
    expect(ext.get('minPinLength')).toBe(6);
  });
});

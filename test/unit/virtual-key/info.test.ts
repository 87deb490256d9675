/** authenticatorGetInfo and command dispatch of the virtual key. */
import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { VIRTUAL_KEY_AAGUID } from '../../../native/virtual-key';
import { mc } from './harness';
import { PIN, S, open } from './keyFixture';

describe('authenticatorGetInfo', () => {
  it('reports the CTAP 2.1 feature set', async () => {
    const { p, pin2 } = await open({ firmwareVersion: 0x010203 });
    const info = (await p.ctap(0x04)).body as Map<number, unknown>;
    expect(info.get(1)).toEqual(['FIDO_2_0', 'FIDO_2_1_PRE', 'FIDO_2_1']);
    expect(info.get(2)).toEqual(['credBlob', 'credProtect', 'hmac-secret', 'minPinLength']);
    expect(Buffer.from(info.get(3) as Uint8Array).toString('hex')).toBe(
      VIRTUAL_KEY_AAGUID.replace(/-/g, ''),
    );
    const options = info.get(4) as Map<string, boolean>;
    expect(Object.fromEntries(options)).toEqual({
      rk: true,
      up: true,
      plat: false,
      clientPin: false,
      credMgmt: true,
      credentialMgmtPreview: true,
      authnrCfg: true,
      setMinPINLength: true,
      alwaysUv: false,
      pinUvAuthToken: true,
      makeCredUvNotRqd: true,
    });
    expect(options.has('uv')).toBe(false);
    expect(info.get(5)).toBe(1200);
    expect(info.get(6)).toEqual([2, 1]);
    expect(info.get(9)).toEqual(['usb']);
    expect((info.get(0x0a) as Map<string, unknown>[]).map((m) => m.get('alg'))).toEqual([-7, -8]);
    expect(info.get(0x0c)).toBe(false);
    expect(info.get(0x0d)).toBe(4);
    expect(info.get(0x0e)).toBe(0x010203);
    expect(info.get(0x14)).toBe(25);
    await pin2.setPin(PIN);
    expect(((await p.ctap(0x04)).body?.get(4) as Map<string, boolean>).get('clientPin')).toBe(true);
  });

  it('rejects unknown commands and malformed parameters with the right status', async () => {
    const { p } = await open();
    expect((await p.ctap(0x55)).status).toBe(S.INVALID_COMMAND);
    const bad = await p.transact(0x10, Uint8Array.of(0x01, 0xa1, 0x01)); // truncated map
    expect([...bad.data]).toEqual([S.INVALID_CBOR]);
    expect((await p.ctap(0x01, [1, 2] as CborValue)).status).toBe(S.CBOR_UNEXPECTED_TYPE);
    expect((await p.ctap(0x01, new Map([[1, 'not bytes']]) as CborValue)).status).toBe(
      S.CBOR_UNEXPECTED_TYPE,
    );
    const missing = mc();
    missing.delete(3);
    expect((await p.ctap(0x01, missing)).status).toBe(S.MISSING_PARAMETER);
    expect((await p.ctap(0x01)).status).toBe(S.MISSING_PARAMETER);
  });
});

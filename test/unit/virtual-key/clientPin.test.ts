/** authenticatorClientPIN of the virtual key: retries, PIN policy, token permissions (CTAP 2.1 §6.5). */
import { describe, expect, it } from 'vitest';
import { PlatformPin, TestPlatform, intMap } from './harness';
import { PERM, PIN, S, open, withPin } from './keyFixture';

describe('clientPIN retry semantics (§6.5.5)', () => {
  for (const version of [1, 2] as const) {
    it(`protocol ${version}: decrement before compare, new key agreement after a mismatch, PIN_AUTH_BLOCKED on the 3rd`, async () => {
      const { key, p } = await withPin();
      const pin = new PlatformPin(p, version);
      const before = (await pin.keyAgreement()).peerX;
      expect((await pin.token('0000', PERM.ga)).status).toBe(S.PIN_INVALID);
      expect(await pin.retries()).toEqual({ retries: 7, powerCycle: false });
      expect((await pin.keyAgreement()).peerX).not.toEqual(before);
      expect((await pin.token(PIN, PERM.ga)).status).toBe(S.OK);
      expect((await pin.retries()).retries).toBe(8);
      expect((await pin.token('0000', PERM.ga)).status).toBe(S.PIN_INVALID);
      expect((await pin.token('0000', PERM.ga)).status).toBe(S.PIN_INVALID);
      expect((await pin.token('0000', PERM.ga)).status).toBe(S.PIN_AUTH_BLOCKED);
      expect(await pin.retries()).toEqual({ retries: 5, powerCycle: true });
      expect(key.summary).toMatchObject({ pinSet: true, pinRetries: 5, pinAuthBlocked: true });
      // Blocked until power cycle, even with the right PIN, and without costing a retry.
      expect((await pin.token(PIN, PERM.ga)).status).toBe(S.PIN_AUTH_BLOCKED);
      expect((await pin.retries()).retries).toBe(5);
      key.powerCycle();
      const q = new TestPlatform(key.connect());
      await q.init();
      const pin2 = new PlatformPin(q, version);
      expect(await pin2.retries()).toEqual({ retries: 5, powerCycle: false });
      expect((await pin2.token(PIN, PERM.ga)).status).toBe(S.OK);
      expect((await pin2.retries()).retries).toBe(8);
    });
  }

  it('PIN_BLOCKED after 8 wrong PINs (across power cycles), even for the right PIN', async () => {
    const { key } = await withPin();
    const seen: number[] = [];
    let p: TestPlatform | undefined;
    for (let i = 0; i < 8; i++) {
      if (i % 3 === 0) {
        key.powerCycle();
        p = new TestPlatform(key.connect());
        await p.init();
      }
      seen.push((await new PlatformPin(p as TestPlatform, 2).token('9999', PERM.ga)).status);
    }
    expect(seen).toEqual([
      S.PIN_INVALID,
      S.PIN_INVALID,
      S.PIN_AUTH_BLOCKED,
      S.PIN_INVALID,
      S.PIN_INVALID,
      S.PIN_AUTH_BLOCKED,
      S.PIN_INVALID,
      S.PIN_BLOCKED,
    ]);
    key.powerCycle();
    p = new TestPlatform(key.connect());
    await p.init();
    const pin = new PlatformPin(p, 2);
    expect((await pin.token(PIN, PERM.ga)).status).toBe(S.PIN_BLOCKED);
    expect((await pin.retries()).retries).toBe(0);
    expect(await pin.changePin(PIN, '5678')).toBe(S.PIN_BLOCKED);
  });

  it('setPIN / changePIN policy: min length, PIN_AUTH_INVALID when set, bad pinUvAuthParam, PIN_NOT_SET', async () => {
    const { p, pin2 } = await open();
    expect((await pin2.token(PIN, PERM.ga)).status).toBe(S.PIN_NOT_SET);
    expect(await pin2.changePin(PIN, '5678')).toBe(S.PIN_NOT_SET);
    expect(await pin2.setPin('123')).toBe(S.PIN_POLICY_VIOLATION);
    const { cose, shared } = await pin2.keyAgreement();
    const newPinEnc = pin2.encrypt(shared, PlatformPin.pad('123456'));
    const wrongParam = pin2.authenticate(shared, new Uint8Array(64));
    const r = await p.ctap(0x06, intMap({ 1: 2, 2: 3, 3: cose, 4: wrongParam, 5: newPinEnc }));
    expect(r.status).toBe(S.PIN_AUTH_INVALID);
    expect(await pin2.setPin(PIN)).toBe(S.OK);
    expect(await pin2.setPin('99999')).toBe(S.PIN_AUTH_INVALID);
    expect(await pin2.changePin(PIN, '24680')).toBe(S.OK);
    expect((await pin2.token('24680', PERM.ga)).status).toBe(S.OK);
    expect((await p.ctap(0x06, intMap({ 1: 3, 2: 2 }))).status).toBe(S.INVALID_PARAMETER);
    expect((await p.ctap(0x06, intMap({ 1: 2, 2: 0x06 }))).status).toBe(S.INVALID_SUBCOMMAND);
  });

  it('permissions: 0 is invalid, be/lbw unauthorized, 0x09 requires permissions, 0x05 refuses them', async () => {
    const { p, pin2 } = await withPin();
    expect((await pin2.token(PIN, 0)).status).toBe(S.INVALID_PARAMETER);
    expect((await pin2.token(PIN, PERM.be)).status).toBe(S.UNAUTHORIZED_PERMISSION);
    const { cose, shared } = await pin2.keyAgreement();
    const pinHashEnc = pin2.encrypt(shared, new Uint8Array(16));
    expect((await p.ctap(0x06, intMap({ 1: 2, 2: 9, 3: cose, 6: pinHashEnc }))).status).toBe(
      S.MISSING_PARAMETER,
    );
    expect((await p.ctap(0x06, intMap({ 1: 2, 2: 5, 3: cose, 6: pinHashEnc, 9: 1 }))).status).toBe(
      S.INVALID_PARAMETER,
    );
    expect((await pin2.retries()).retries).toBe(8);
  });
});

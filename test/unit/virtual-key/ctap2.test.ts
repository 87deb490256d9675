/** CTAP 2.1 authenticator behaviour of the virtual key (status codes per CTAP 2.1 §8.2). */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import {
  TEST_ATTESTATION_ROOT_PEM,
  VIRTUAL_KEY_AAGUID,
  VirtualKey,
  type VirtualKeyOptions,
} from '../../../native/virtual-key';
import { PlatformPin, TestPlatform, credentialIdOf, ga, intMap, mc } from './harness';

const S = {
  OK: 0x00,
  INVALID_COMMAND: 0x01,
  INVALID_PARAMETER: 0x02,
  CBOR_UNEXPECTED_TYPE: 0x11,
  INVALID_CBOR: 0x12,
  MISSING_PARAMETER: 0x14,
  CREDENTIAL_EXCLUDED: 0x19,
  UNSUPPORTED_ALGORITHM: 0x26,
  OPERATION_DENIED: 0x27,
  KEY_STORE_FULL: 0x28,
  UNSUPPORTED_OPTION: 0x2b,
  INVALID_OPTION: 0x2c,
  NO_CREDENTIALS: 0x2e,
  USER_ACTION_TIMEOUT: 0x2f,
  NOT_ALLOWED: 0x30,
  PIN_INVALID: 0x31,
  PIN_BLOCKED: 0x32,
  PIN_AUTH_INVALID: 0x33,
  PIN_AUTH_BLOCKED: 0x34,
  PIN_NOT_SET: 0x35,
  PUAT_REQUIRED: 0x36,
  PIN_POLICY_VIOLATION: 0x37,
  INVALID_SUBCOMMAND: 0x3e,
  UNAUTHORIZED_PERMISSION: 0x40,
};
const PERM = { mc: 1, ga: 2, cm: 4, be: 8, acfg: 0x20 };
const PIN = '1234';

const keys: VirtualKey[] = [];
let dirs: string[] = [];
afterEach(() => {
  for (const k of keys.splice(0)) k.unplug();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function open(
  opts: VirtualKeyOptions = {},
): Promise<{ key: VirtualKey; p: TestPlatform; pin2: PlatformPin; pin1: PlatformPin }> {
  const key = new VirtualKey({ seed: 'ctap2', touchTimeoutMs: 200, ...opts });
  keys.push(key);
  const p = new TestPlatform(key.connect());
  await p.init();
  return { key, p, pin2: new PlatformPin(p, 2), pin1: new PlatformPin(p, 1) };
}

async function withPin(opts: VirtualKeyOptions = {}) {
  const ctx = await open(opts);
  expect(await ctx.pin2.setPin(PIN)).toBe(S.OK);
  return ctx;
}

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

describe('makeCredential / getAssertion', () => {
  it('PUAT_REQUIRED for a discoverable credential without pinUvAuthParam once a PIN is set; zero-length probe', async () => {
    const { p } = await open({ touch: 'auto' });
    expect((await p.ctap(0x01, mc({ puat: new Uint8Array(0) }))).status).toBe(S.PIN_NOT_SET);
    const ctx = await withPin();
    expect((await ctx.p.ctap(0x01, mc({ rk: true }))).status).toBe(S.PUAT_REQUIRED);
    expect((await ctx.p.ctap(0x01, mc())).status).toBe(S.OK); // makeCredUvNotRqd
    // CTAP 2.1 §6.1.2 step 1: PIN_INVALID once a PIN is set (2.0 said PIN_AUTH_INVALID).
    expect((await ctx.p.ctap(0x01, mc({ puat: new Uint8Array(0) }))).status).toBe(S.PIN_INVALID);
    expect((await ctx.p.ctap(0x02, ga({ puat: new Uint8Array(0) }))).status).toBe(S.PIN_INVALID);
    // A real pinUvAuthParam on a key without a PIN.
    expect((await p.ctap(0x01, mc({ puat: new Uint8Array(32) }))).status).toBe(S.PIN_NOT_SET);
  });

  it('pinUvAuthToken: permission, RP binding, single use after user presence, protocol match', async () => {
    const { p, pin2, pin1 } = await withPin();
    const gaOnly = (await pin2.token(PIN, PERM.ga, 'example.com')).token as Uint8Array;
    const cd = mc().get(1) as Uint8Array;
    expect((await p.ctap(0x01, mc({ puat: pin2.authenticate(gaOnly, cd) }))).status).toBe(
      S.PIN_AUTH_INVALID,
    );
    const t = (await pin2.token(PIN, PERM.mc, 'example.com')).token as Uint8Array;
    expect(
      (await p.ctap(0x01, mc({ rpId: 'other.example', puat: pin2.authenticate(t, cd) }))).status,
    ).toBe(S.PIN_AUTH_INVALID);
    expect((await p.ctap(0x01, mc({ puat: pin1.authenticate(t, cd), protocol: 1 }))).status).toBe(
      S.PIN_AUTH_INVALID,
    );
    const ok = await p.ctap(0x01, mc({ rk: true, puat: pin2.authenticate(t, cd) }));
    expect(ok.status).toBe(S.OK);
    expect(((ok.body?.get(2) as Uint8Array)[32] & 0x05) === 0x05).toBe(true); // UP + UV
    // mc permission was spent by the ceremony (clearPinUvAuthTokenPermissionsExceptLbw).
    expect(
      (await p.ctap(0x01, mc({ userId: 'u2', rk: true, puat: pin2.authenticate(t, cd) }))).status,
    ).toBe(S.PIN_AUTH_INVALID);
    // Legacy getPinToken (0x05) gives mc|ga without RP binding.
    const legacy = (await pin1.token(PIN)).token as Uint8Array;
    expect(
      (
        await p.ctap(
          0x01,
          mc({ userId: 'u3', rk: true, puat: pin1.authenticate(legacy, cd), protocol: 1 }),
        )
      ).status,
    ).toBe(S.OK);
  });

  it('algorithm choice, options and excludeList', async () => {
    const { key, p } = await open();
    expect(
      (
        await p.ctap(
          0x01,
          mc({
            algs: [
              new Map<string, CborValue>([
                ['type', 'public-key'],
                ['alg', -257],
              ]),
            ],
          }),
        )
      ).status,
    ).toBe(S.UNSUPPORTED_ALGORITHM);
    const ed = await p.ctap(
      0x01,
      mc({
        algs: [
          new Map<string, CborValue>([
            ['type', 'public-key'],
            ['alg', -8],
          ]),
          new Map<string, CborValue>([
            ['type', 'public-key'],
            ['alg', -7],
          ]),
        ],
      }),
    );
    expect(ed.status).toBe(S.OK);
    const withUp = mc();
    withUp.set(7, new Map([['up', false]]));
    expect((await p.ctap(0x01, withUp)).status).toBe(S.INVALID_OPTION);
    const withUv = mc();
    withUv.set(7, new Map([['uv', true]]));
    expect((await p.ctap(0x01, withUv)).status).toBe(S.INVALID_OPTION);
    const rkInGa = ga();
    rkInGa.set(5, new Map([['rk', true]]));
    expect((await p.ctap(0x02, rkInGa)).status).toBe(S.UNSUPPORTED_OPTION);
    const id = credentialIdOf(ed.body);
    let touches = 0;
    key.on('upneeded', () => touches++);
    key.setTouchMode('manual');
    key.once('upneeded', () => key.touch());
    expect((await p.ctap(0x01, mc({ exclude: [new Uint8Array(70), id] }))).status).toBe(
      S.CREDENTIAL_EXCLUDED,
    );
    expect(touches).toBe(1);
    key.setTouchMode('auto');
    expect((await p.ctap(0x01, mc({ rpId: 'other.example', exclude: [id] }))).status).toBe(S.OK);
  });

  it('discoverable credentials: most recent first, numberOfCredentials, getNextAssertion, user info only with UV', async () => {
    const { p, pin2 } = await withPin();
    for (const u of ['a', 'b', 'c']) {
      const t = (await pin2.token(PIN, PERM.mc, 'example.com')).token as Uint8Array;
      expect(
        (
          await p.ctap(
            0x01,
            mc({ userId: u, rk: true, puat: pin2.authenticate(t, mc().get(1) as Uint8Array) }),
          )
        ).status,
      ).toBe(S.OK);
    }
    const first = await p.ctap(0x02, ga());
    expect(first.body?.get(5)).toBe(3);
    const userOf = (b?: Map<unknown, unknown>) => b?.get(4) as Map<string, unknown>;
    expect(new TextDecoder().decode(userOf(first.body).get('id') as Uint8Array)).toBe('c');
    expect(userOf(first.body).has('name')).toBe(false); // no UV
    const second = await p.ctap(0x08);
    expect(new TextDecoder().decode(userOf(second.body).get('id') as Uint8Array)).toBe('b');
    expect(second.body?.has(5)).toBe(false);
    expect((await p.ctap(0x08)).status).toBe(S.OK);
    expect((await p.ctap(0x08)).status).toBe(S.NOT_ALLOWED);
    // With UV: name and displayName; any other command discards the getNextAssertion state.
    const t = (await pin2.token(PIN, PERM.ga, 'example.com')).token as Uint8Array;
    const withUv = await p.ctap(
      0x02,
      ga({ puat: pin2.authenticate(t, ga().get(2) as Uint8Array) }),
    );
    expect(userOf(withUv.body).get('name')).toBe('c@example.com');
    expect(((withUv.body?.get(2) as Uint8Array)[32] & 0x04) !== 0).toBe(true);
    await p.ctap(0x04);
    expect((await p.ctap(0x08)).status).toBe(S.NOT_ALLOWED);
    expect((await p.ctap(0x02, ga({ rpId: 'nobody.example' }))).status).toBe(S.NO_CREDENTIALS);
  });

  it('credProtect 3 is invisible without UV; signCount increases; up=false clears the UP flag', async () => {
    const { p, pin2 } = await withPin();
    const t = (await pin2.token(PIN, PERM.mc, 'example.com')).token as Uint8Array;
    const made = await p.ctap(
      0x01,
      mc({
        rk: true,
        ext: new Map([['credProtect', 3]]),
        puat: pin2.authenticate(t, mc().get(1) as Uint8Array),
      }),
    );
    expect(made.status).toBe(S.OK);
    const id = credentialIdOf(made.body);
    expect((await p.ctap(0x02, ga())).status).toBe(S.NO_CREDENTIALS);
    expect((await p.ctap(0x02, ga({ allow: [id] }))).status).toBe(S.NO_CREDENTIALS);
    const t2 = (await pin2.token(PIN, PERM.ga, 'example.com')).token as Uint8Array;
    const a1 = await p.ctap(
      0x02,
      ga({ allow: [id], puat: pin2.authenticate(t2, ga().get(2) as Uint8Array) }),
    );
    expect(a1.status).toBe(S.OK);
    const nonRk = credentialIdOf((await p.ctap(0x01, mc())).body);
    const s1 = await p.ctap(0x02, ga({ allow: [nonRk], up: false }));
    const s2 = await p.ctap(0x02, ga({ allow: [nonRk] }));
    const ad1 = s1.body?.get(2) as Uint8Array;
    const ad2 = s2.body?.get(2) as Uint8Array;
    expect(ad1[32] & 0x01).toBe(0);
    expect(ad2[32] & 0x01).toBe(1);
    expect(Buffer.from(ad2).readUInt32BE(33)).toBeGreaterThan(Buffer.from(ad1).readUInt32BE(33));
  });

  it('KEY_STORE_FULL at capacity; the same RP + user overwrites instead', async () => {
    const { p, pin2, key } = await withPin({ capacity: 2 });
    const make = async (u: string) => {
      const t = (await pin2.token(PIN, PERM.mc, 'example.com')).token as Uint8Array;
      return (
        await p.ctap(
          0x01,
          mc({ userId: u, rk: true, puat: pin2.authenticate(t, mc().get(1) as Uint8Array) }),
        )
      ).status;
    };
    expect(await make('a')).toBe(S.OK);
    expect(await make('b')).toBe(S.OK);
    expect(((await p.ctap(0x04)).body as Map<number, unknown>).get(0x14)).toBe(0);
    expect(await make('c')).toBe(S.KEY_STORE_FULL);
    expect(await make('a')).toBe(S.OK);
    expect(key.credentialCount).toBe(2);
  });

  it('crops stored user names to 64 bytes on a character boundary', async () => {
    const { p, pin2 } = await withPin();
    const t = (await pin2.token(PIN, PERM.mc | PERM.ga, 'example.com')).token as Uint8Array;
    const long = 'å'.repeat(40); // 80 bytes
    const params = mc({ rk: true, puat: pin2.authenticate(t, mc().get(1) as Uint8Array) });
    params.set(
      3,
      new Map<string, CborValue>([
        ['id', new Uint8Array(4)],
        ['name', long],
        ['displayName', 'x'.repeat(70)],
      ]),
    );
    expect((await p.ctap(0x01, params)).status).toBe(S.OK);
    const t2 = (await pin2.token(PIN, PERM.ga, 'example.com')).token as Uint8Array;
    const a = await p.ctap(0x02, ga({ puat: pin2.authenticate(t2, ga().get(2) as Uint8Array) }));
    const u = a.body?.get(4) as Map<string, string>;
    expect(u.get('name')).toBe('å'.repeat(32));
    expect(u.get('displayName')).toBe('x'.repeat(64));
  });

  it('hmac-secret: stable per credential and salt, different with and without UV', async () => {
    const { p, pin2 } = await withPin();
    const made = await p.ctap(0x01, mc({ ext: new Map([['hmac-secret', true]]) }));
    const ad = made.body?.get(2) as Uint8Array;
    expect(ad[32] & 0x80).toBe(0x80);
    const id = credentialIdOf(made.body);
    const secret = async (uv: boolean) => {
      const { cose, shared } = await pin2.keyAgreement();
      const saltEnc = pin2.encrypt(shared, new Uint8Array(32).fill(9));
      const ext = new Map<string, CborValue>([
        [
          'hmac-secret',
          intMap({ 1: cose, 2: saltEnc, 3: pin2.authenticate(shared, saltEnc), 4: 2 }),
        ],
      ]);
      const puat = uv
        ? pin2.authenticate(
            (await pin2.token(PIN, PERM.ga, 'example.com')).token as Uint8Array,
            ga().get(2) as Uint8Array,
          )
        : undefined;
      const r = await p.ctap(0x02, ga({ allow: [id], ext, puat }));
      expect(r.status).toBe(0);
      const authData = r.body?.get(2) as Uint8Array;
      const { decodeCbor } = await import('../../../native/cbor');
      const extOut = decodeCbor(authData.subarray(37)) as Map<string, Uint8Array>;
      return Buffer.from(pin2.decrypt(shared, extOut.get('hmac-secret') as Uint8Array)).toString(
        'hex',
      );
    };
    const { cose, shared } = await pin2.keyAgreement();
    const saltEnc = pin2.encrypt(shared, new Uint8Array(32));
    const hsExt = new Map<string, CborValue>([
      ['hmac-secret', intMap({ 1: cose, 2: saltEnc, 3: pin2.authenticate(shared, saltEnc), 4: 2 })],
    ]);
    expect((await p.ctap(0x02, ga({ allow: [id], ext: hsExt, up: false }))).status).toBe(
      S.UNSUPPORTED_OPTION,
    );
    const a = await secret(false);
    expect(await secret(false)).toBe(a);
    expect(await secret(true)).not.toBe(a);
  });
});

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

describe('credentialManagement (0x0A and preview 0x41)', () => {
  for (const command of [0x0a, 0x41]) {
    it(`0x${command.toString(16)}: metadata, enumerate, update, delete; next without begin is NOT_ALLOWED`, async () => {
      const { p, pin2 } = await withPin();
      for (const [rpId, u] of [
        ['a.example', 'u1'],
        ['a.example', 'u2'],
        ['b.example', 'u3'],
      ]) {
        const t = (await pin2.token(PIN, PERM.mc, rpId)).token as Uint8Array;
        expect(
          (
            await p.ctap(
              0x01,
              mc({
                rpId,
                userId: u,
                rk: true,
                puat: pin2.authenticate(t, mc().get(1) as Uint8Array),
              }),
            )
          ).status,
        ).toBe(S.OK);
      }
      const token = (await pin2.token(PIN, PERM.cm)).token as Uint8Array;
      const { encodeCanonical } = await import('../../../native/cbor');
      const call = (sub: number, params?: Map<number, CborValue>, auth = true) => {
        const m = new Map<number, CborValue>([[1, sub]]);
        if (params) m.set(2, params);
        if (auth) {
          m.set(3, 2);
          m.set(
            4,
            pin2.authenticate(
              token,
              Uint8Array.from([sub, ...(params ? encodeCanonical(params) : [])]),
            ),
          );
        }
        return p.ctap(command, m);
      };
      expect((await p.ctap(command, new Map([[1, 1]]))).status).toBe(S.PUAT_REQUIRED);
      const meta = await call(1);
      expect([meta.body?.get(1), meta.body?.get(2)]).toEqual([3, 22]);
      expect((await call(3, undefined, false)).status).toBe(S.NOT_ALLOWED);
      const rp1 = await call(2);
      expect((rp1.body?.get(3) as Map<string, string>).get('id')).toBe('a.example');
      expect(rp1.body?.get(5)).toBe(2);
      expect(
        ((await call(3, undefined, false)).body?.get(3) as Map<string, string>).get('id'),
      ).toBe('b.example');
      expect((await call(3, undefined, false)).status).toBe(S.NOT_ALLOWED);
      const c1 = await call(4, new Map([[1, rp1.body?.get(4) as Uint8Array]]));
      expect(c1.body?.get(9)).toBe(2);
      expect(c1.body?.get(0x0a)).toBe(1);
      expect((c1.body?.get(8) as Map<number, number>).get(3)).toBe(-7);
      const c2 = await call(5, undefined, false);
      const desc = c2.body?.get(7) as Map<string, CborValue>;
      const u2 = c2.body?.get(6) as Map<string, CborValue>;
      expect(
        await call(
          7,
          new Map([
            [2, desc],
            [
              3,
              new Map<string, CborValue>([
                ['id', u2.get('id') as Uint8Array],
                ['name', 'renamed'],
              ]),
            ],
          ]),
        ).then((r) => r.status),
      ).toBe(S.OK);
      expect(
        (
          await call(
            7,
            new Map([
              [2, desc],
              [3, new Map<string, CborValue>([['id', new Uint8Array(3)]])],
            ]),
          )
        ).status,
      ).toBe(S.INVALID_PARAMETER);
      const again = await call(4, new Map([[1, rp1.body?.get(4) as Uint8Array]]));
      const names = [
        (again.body?.get(6) as Map<string, unknown>).get('name'),
        ((await call(5, undefined, false)).body?.get(6) as Map<string, unknown>).get('name'),
      ];
      expect(names).toContain('renamed');
      expect((await call(6, new Map([[2, desc]]))).status).toBe(S.OK);
      expect((await call(6, new Map([[2, desc]]))).status).toBe(S.NO_CREDENTIALS);
      expect((await call(1)).body?.get(1)).toBe(2);
      expect((await call(9)).status).toBe(S.INVALID_SUBCOMMAND);
      // A deleted discoverable credential can no longer assert.
      expect(
        (await p.ctap(0x02, ga({ rpId: 'a.example', allow: [desc.get('id') as Uint8Array] })))
          .status,
      ).toBe(S.NO_CREDENTIALS);
    });
  }

  it('a token without cm permission (or bound to an RP) cannot read metadata', async () => {
    const { p, pin2 } = await withPin();
    const { encodeCanonical } = await import('../../../native/cbor');
    void encodeCanonical;
    for (const [perm, rpId] of [
      [PERM.ga, 'example.com'],
      [PERM.cm, 'example.com'],
    ] as const) {
      const token = (await pin2.token(PIN, perm, rpId)).token as Uint8Array;
      const r = await p.ctap(
        0x0a,
        intMap({ 1: 1, 3: 2, 4: pin2.authenticate(token, Uint8Array.of(1)) }),
      );
      expect(r.status).toBe(S.PIN_AUTH_INVALID);
    }
  });
});

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

describe('reset and selection', () => {
  it('reset only within 10 s of power-up and only with a touch', async () => {
    let now = 1_000_000;
    const { key, p, pin2 } = await withPin({
      clock: () => now,
      touch: 'manual',
      touchTimeoutMs: 100,
    });
    now += 10_001;
    expect((await p.ctap(0x07)).status).toBe(S.NOT_ALLOWED);
    key.powerCycle();
    const q = new TestPlatform(key.connect());
    await q.init();
    expect((await q.ctap(0x07)).status).toBe(S.USER_ACTION_TIMEOUT);
    key.once('upneeded', () => key.deny());
    expect((await q.ctap(0x07)).status).toBe(S.OPERATION_DENIED);
    let resets = 0;
    key.on('reset', () => resets++);
    key.once('upneeded', () => key.touch());
    expect((await q.ctap(0x07)).status).toBe(S.OK);
    expect(resets).toBe(1);
    const options = (await q.ctap(0x04)).body?.get(4) as Map<string, boolean>;
    expect(options.get('clientPin')).toBe(false);
    void pin2;
  });

  it('selection waits for a touch', async () => {
    const { key, p } = await open({ touch: 'manual', touchTimeoutMs: 1000 });
    key.once('upneeded', (cmd) => {
      expect(cmd).toBe(0x0b);
      key.touch();
    });
    expect((await p.ctap(0x0b)).status).toBe(S.OK);
  });
});

describe('attestation, determinism and state', () => {
  it('packed attestation: x5c[0] chains to the exported test root and signs authData‖clientDataHash', async () => {
    const { p, key } = await open();
    const r = await p.ctap(0x01, mc());
    expect(r.body?.get(1)).toBe('packed');
    const stmt = r.body?.get(3) as Map<string, unknown>;
    expect(stmt.get('alg')).toBe(-7);
    const batch = new X509Certificate((stmt.get('x5c') as Uint8Array[])[0]);
    const root = new X509Certificate(TEST_ATTESTATION_ROOT_PEM);
    expect(key.attestationRootPem).toBe(TEST_ATTESTATION_ROOT_PEM);
    expect(batch.verify(root.publicKey)).toBe(true);
    expect(batch.subject).toContain('OU=Authenticator Attestation');
    const { verify } = await import('node:crypto');
    const signed = Buffer.concat([r.body?.get(2) as Uint8Array, mc().get(1) as Uint8Array]);
    expect(verify('sha256', signed, batch.publicKey, stmt.get('sig') as Uint8Array)).toBe(true);
  });

  it("'generated' attestation: own root per install, persisted with the state", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vk-'));
    dirs.push(dir);
    const statePath = join(dir, 'key.json');
    const a = new VirtualKey({ attestation: 'generated', statePath });
    keys.push(a);
    expect(a.attestationRootPem).not.toBe(TEST_ATTESTATION_ROOT_PEM);
    const batch = new X509Certificate(a.attestationIdentity.batchCertDer);
    expect(batch.verify(new X509Certificate(a.attestationRootPem).publicKey)).toBe(true);
    const b = new VirtualKey({ attestation: 'generated', statePath });
    keys.push(b);
    expect(b.attestationRootPem).toBe(a.attestationRootPem);
  });

  it('deterministic mode: the same seed gives byte-identical replies (ES256 via RFC 6979, EdDSA)', async () => {
    const run = async () => {
      const { p } = await open({ seed: 'golden-1' });
      const out: string[] = [String(p.cid)];
      for (const alg of [-7, -8]) {
        const made = await p.ctap(
          0x01,
          mc({
            userId: `u${alg}`,
            algs: [
              new Map<string, CborValue>([
                ['type', 'public-key'],
                ['alg', alg],
              ]),
            ],
          }),
        );
        const a = await p.ctap(0x02, ga({ allow: [credentialIdOf(made.body)] }));
        out.push(Buffer.from(made.raw).toString('hex'), Buffer.from(a.raw).toString('hex'));
      }
      return out;
    };
    const [x, y] = [await run(), await run()];
    expect(x).toEqual(y);
    const { p } = await open({ seed: 'golden-2' });
    expect(String(p.cid)).not.toBe(x[0]);
  });

  it('statePath keeps PIN and credentials across restarts, file mode 0600, no PIN in clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vk-'));
    dirs.push(dir);
    const statePath = join(dir, 'key.json');
    const { p, pin2, key } = await withPin({ statePath, seed: undefined });
    const t = (await pin2.token(PIN, PERM.mc, 'example.com')).token as Uint8Array;
    expect(
      (await p.ctap(0x01, mc({ rk: true, puat: pin2.authenticate(t, mc().get(1) as Uint8Array) })))
        .status,
    ).toBe(S.OK);
    key.unplug();
    expect(statePath && statSync(statePath).mode & 0o777).toBe(0o600);
    const file = readFileSync(statePath, 'utf8');
    expect(file).not.toContain(PIN);
    // Not even the PIN hash a key compares against: only a salted scrypt verifier.
    const { createHash } = await import('node:crypto');
    expect(file).not.toContain(
      createHash('sha256').update(PIN).digest().subarray(0, 16).toString('hex'),
    );
    expect(file).toContain('verifierHex');
    const again = await open({ statePath, seed: undefined });
    expect(again.key.credentialCount).toBe(1);
    expect((await again.pin2.token(PIN, PERM.ga)).status).toBe(S.OK);
    const exported = again.key.exportState();
    const copy = await open();
    copy.key.importState(exported);
    expect(copy.key.credentialCount).toBe(1);
  });
});

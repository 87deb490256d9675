/** Virtual-key profiles: each answers getInfo like a key of its kind and refuses what it lacks. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { CMD, PlatformPin, credentialIdOf, ga, intMap, mc } from './harness';
import { PERM, PIN, S, open, withPin } from './keyFixture';

const info = async (profile: Parameters<typeof open>[0]) => {
  const { p } = await open(profile);
  const r = await p.ctap(0x04);
  expect(r.status).toBe(S.OK);
  return r.body as Map<number, unknown>;
};
const options = (body: Map<number, unknown>) => body.get(4) as Map<string, boolean>;

describe('getInfo per profile', () => {
  it('ctap21 (default) is unchanged: the CTAP 2.1 feature set, no sensor, no PIN rules', async () => {
    const body = await info({});
    expect(body.get(1)).toEqual(['FIDO_2_0', 'FIDO_2_1_PRE', 'FIDO_2_1']);
    expect(options(body).get('credMgmt')).toBe(true);
    expect(options(body).has('uv')).toBe(false);
    expect(body.has(0x1b)).toBe(false);
  });

  it('ctap21pre: FIDO_2_1_PRE with the preview options only, PIN protocol 1, fields to 0x0A', async () => {
    const body = await info({ profile: 'ctap21pre' });
    expect(body.get(1)).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1_PRE']);
    expect(body.get(2)).toEqual(['credProtect', 'hmac-secret']);
    const o = options(body);
    expect(o.get('credentialMgmtPreview')).toBe(true);
    expect(o.get('userVerificationMgmtPreview')).toBe(false);
    expect(o.get('uv')).toBe(false);
    for (const absent of [
      'credMgmt',
      'authnrCfg',
      'pinUvAuthToken',
      'makeCredUvNotRqd',
      'bioEnroll',
    ])
      expect(o.has(absent)).toBe(false);
    expect(body.get(6)).toEqual([1]);
    expect(Math.max(...body.keys())).toBe(0x0a);
  });

  it('ctap20: FIDO_2_0 only, keys 0x01-0x06, PIN protocol 1, no 2.1 options', async () => {
    const body = await info({ profile: 'ctap20' });
    expect(body.get(1)).toEqual(['U2F_V2', 'FIDO_2_0']);
    expect([...body.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...options(body).keys()].sort()).toEqual(['clientPin', 'plat', 'rk', 'up']);
    expect(body.get(6)).toEqual([1]);
  });

  it('bio: a fingerprint sensor (uv, bioEnroll false until a finger is enrolled, uvModality)', async () => {
    const body = await info({ profile: 'bio' });
    expect(options(body).get('uv')).toBe(false);
    expect(options(body).get('bioEnroll')).toBe(false);
    expect(body.get(0x12)).toBe(0x02);
    expect(body.get(0x11)).toBe(3);
  });

  it('fips: pinComplexityPolicy, maxPINLength and a minimum PIN length of 8', async () => {
    const body = await info({ profile: 'fips' });
    expect(body.get(0x1b)).toBe(true);
    expect(body.get(0x1d)).toBe(32);
    expect(body.get(0x0d)).toBe(8);
  });

  it('an unknown profile is refused', async () => {
    await expect(open({ profile: 'ctap99' as never })).rejects.toThrow(/profile/);
  });
});

describe('ctap20 refusals', () => {
  it('2.1 commands are INVALID_COMMAND, token subcommands INVALID_SUBCOMMAND, protocol 2 unknown', async () => {
    const { p, pin1, pin2 } = await open({ profile: 'ctap20' });
    for (const command of [0x09, 0x0a, 0x0b, 0x0d, 0x40, 0x41])
      expect((await p.ctap(command, intMap({ 1: 1 }))).status, `0x${command.toString(16)}`).toBe(
        S.INVALID_COMMAND,
      );
    expect(await pin1.setPin(PIN)).toBe(S.OK);
    expect((await pin1.token(PIN, PERM.mc)).status).toBe(S.INVALID_SUBCOMMAND);
    expect((await p.ctap(0x06, intMap({ 1: 2, 2: 2 }))).status).toBe(S.INVALID_PARAMETER);
    void pin2;
  });

  it('getPinToken gives a token for every makeCredential until power-up; no PIN → PIN_REQUIRED', async () => {
    const { p, pin1, key } = await open({ profile: 'ctap20' });
    expect(await pin1.setPin(PIN)).toBe(S.OK);
    // Without makeCredUvNotRqd even a non-discoverable credential needs the PIN.
    expect((await p.ctap(0x01, mc())).status).toBe(S.PUAT_REQUIRED);
    const { token } = await pin1.token(PIN);
    if (!token) throw new Error('no token');
    const puat = pin1.authenticate(token, new Uint8Array(32).fill(1));
    for (let i = 0; i < 2; i++) {
      const r = await p.ctap(0x01, mc({ puat, protocol: 1, userId: `u${i}`, rk: true }));
      expect(r.status).toBe(S.OK);
      expect(((r.body?.get(2) as Uint8Array)[32] & 0x04) !== 0).toBe(true);
    }
    // The zero-length probe is CTAP 2.0's PIN_AUTH_INVALID.
    expect((await p.ctap(0x01, mc({ puat: new Uint8Array(0), protocol: 1 }))).status).toBe(
      S.PIN_AUTH_INVALID,
    );
    key.powerCycle();
    const p2 = new (p.constructor as new (c: unknown) => typeof p)(key.connect());
    await p2.init();
    const r = await p2.ctap(0x01, mc({ puat, protocol: 1 }));
    expect(r.status).toBe(S.PIN_AUTH_INVALID);
  });

  it('ignores extensions it does not advertise (credProtect)', async () => {
    const { p } = await open({ profile: 'ctap20' });
    const r = await p.ctap(
      0x01,
      mc({ ext: new Map<string, CborValue>([['credProtect', 2]]), rk: true }),
    );
    expect(r.status).toBe(S.OK);
    expect(((r.body?.get(2) as Uint8Array)[32] & 0x80) === 0).toBe(true); // no extension output
  });
});

describe('ctap21pre', () => {
  it('credential management only as 0x41, with a getPinToken token', async () => {
    const { p, pin1 } = await open({ profile: 'ctap21pre' });
    expect(await pin1.setPin(PIN)).toBe(S.OK);
    const { token } = await pin1.token(PIN);
    if (!token) throw new Error('no token');
    const puat = pin1.authenticate(token, new Uint8Array(32).fill(1));
    expect((await p.ctap(0x01, mc({ puat, protocol: 1, rk: true }))).status).toBe(S.OK);
    const param = pin1.authenticate(token, Uint8Array.of(0x01));
    const meta = await p.ctap(0x41, intMap({ 1: 1, 3: 1, 4: param }));
    expect(meta.status).toBe(S.OK);
    expect(meta.body?.get(1)).toBe(1);
    expect((await p.ctap(0x0a, intMap({ 1: 1, 3: 1, 4: param }))).status).toBe(S.INVALID_COMMAND);
    expect((await p.ctap(0x0d, intMap({ 1: 2 }))).status).toBe(S.INVALID_COMMAND);
  });
});

describe('fips PIN rules', () => {
  it('refuses short, long, repeated and sequential PINs with PIN_POLICY_VIOLATION', async () => {
    const { pin2 } = await open({ profile: 'fips' });
    for (const pin of [
      '1234',
      '1234567',
      '11111111',
      '12345678',
      '87654321',
      'abcdefgh',
      'x'.repeat(20) + 'y'.repeat(13),
    ])
      expect(await pin2.setPin(pin), pin).toBe(S.PIN_POLICY_VIOLATION);
    expect(await pin2.setPin('k7Rm2pQx')).toBe(S.OK);
  });
});

describe('u2f profile', () => {
  const apdu = (ins: number, p1: number, data: Uint8Array) => {
    const out = new Uint8Array(7 + data.length + 2);
    out.set([0, ins, p1, 0, 0, data.length >> 8, data.length & 0xff]);
    out.set(data, 7);
    return out;
  };
  const sw = (r: Uint8Array) => (r[r.length - 2] << 8) | r[r.length - 1];

  it('INIT has no CBOR capability, CBOR is INVALID_CMD, VERSION answers U2F_V2', async () => {
    const { key, p } = await open({ profile: 'u2f' });
    const initReply = await p.transact(CMD.INIT, new Uint8Array(8).fill(7), 0xffffffff);
    expect(initReply.data[16] & 0x04).toBe(0); // CBOR
    expect(initReply.data[16] & 0x08).toBe(0); // NMSG clear: MSG supported
    const cbor = await p.transact(CMD.CBOR, Uint8Array.of(0x04));
    expect(cbor.cmd).toBe(CMD.ERROR);
    expect(cbor.data[0]).toBe(0x01);
    const v = await p.transact(CMD.MSG, Uint8Array.of(0, 3, 0, 0, 0, 0, 0));
    expect(new TextDecoder().decode(v.data.subarray(0, -2))).toBe('U2F_V2');
    expect(sw(v.data)).toBe(0x9000);
    void key;
  });

  it('REGISTER and AUTHENTICATE: signatures verify; check-only, wrong key handle, touch pending', async () => {
    const { createPublicKey, verify, X509Certificate } = await import('node:crypto');
    const { key, p } = await open({ profile: 'u2f', touch: 'manual', touchTimeoutMs: 5000 });
    const challenge = new Uint8Array(32).fill(0xc1);
    const app = new Uint8Array(32).fill(0xa9);
    // No touch yet: CONDITIONS_NOT_SATISFIED at once, and the key now waits for one.
    const first = await p.transact(CMD.MSG, apdu(1, 0, new Uint8Array([...challenge, ...app])));
    expect(sw(first.data)).toBe(0x6985);
    expect(key.waitingForTouch).toBe(true);
    expect(key.touch()).toBe(true);
    const reg = (await p.transact(CMD.MSG, apdu(1, 0, new Uint8Array([...challenge, ...app]))))
      .data;
    expect(sw(reg)).toBe(0x9000);
    expect(reg[0]).toBe(0x05);
    const pub = reg.subarray(1, 66);
    const khLen = reg[66];
    const kh = reg.slice(67, 67 + khLen);
    const rest = reg.subarray(67 + khLen, -2);
    const certLen = ((rest[2] << 8) | rest[3]) + 4;
    const cert = new X509Certificate(rest.subarray(0, certLen));
    const sig = rest.subarray(certLen);
    const signed = new Uint8Array([0, ...app, ...challenge, ...kh, ...pub]);
    expect(verify('sha256', signed, cert.publicKey, sig)).toBe(true);

    const authData = new Uint8Array([...challenge, ...app, kh.length, ...kh]);
    expect(sw((await p.transact(CMD.MSG, apdu(2, 0x07, authData))).data)).toBe(0x6985);
    const badKh = authData.slice();
    badKh[70] ^= 1;
    expect(sw((await p.transact(CMD.MSG, apdu(2, 0x07, badKh))).data)).toBe(0x6a80);
    expect(sw((await p.transact(CMD.MSG, apdu(2, 0x03, authData))).data)).toBe(0x6985);
    key.touch();
    const auth = (await p.transact(CMD.MSG, apdu(2, 0x03, authData))).data;
    expect(sw(auth)).toBe(0x9000);
    expect(auth[0]).toBe(0x01);
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(pub.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(pub.subarray(33, 65)).toString('base64url'),
    };
    const credKey = createPublicKey({ key: jwk, format: 'jwk' });
    const authSigned = new Uint8Array([...app, ...auth.subarray(0, 5), ...challenge]);
    expect(verify('sha256', authSigned, credKey, auth.subarray(5, -2))).toBe(true);
  });
});

describe('bio profile: fingerprint enrollment and built-in UV', () => {
  async function bioCall(
    p: Awaited<ReturnType<typeof open>>['p'],
    pin: PlatformPin,
    token: Uint8Array,
    sub: number,
    params?: Map<number, CborValue>,
  ) {
    const { encodeCanonical } = await import('../../../native/cbor');
    const msg = new Uint8Array([1, sub, ...(params ? encodeCanonical(params) : [])]);
    const req = intMap({ 1: 1, 2: sub, 4: 2, 5: pin.authenticate(token, msg) });
    if (params) req.set(3, params);
    return p.ctap(0x09, req);
  }

  it('enrolls with good and bad samples, lists, renames, removes; then verifies with a finger', async () => {
    const { key, p, pin2 } = await withPin({
      profile: 'bio',
      touch: 'manual',
      touchTimeoutMs: 5000,
    });
    const fingers: ('good' | 'bad')[] = ['bad', 'good', 'good', 'good', 'good'];
    key.on('upneeded', () => queueMicrotask(() => key.presentFinger(fingers.shift() ?? 'good')));
    const sensor = await p.ctap(0x09, intMap({ 1: 1, 2: 7 }));
    expect(sensor.body?.get(3)).toBe(4);
    expect((await p.ctap(0x09, intMap({ 6: true }))).body?.get(1)).toBe(1);
    // The enroll permission is needed.
    const mcOnly = (await pin2.token(PIN, PERM.mc)).token as Uint8Array;
    expect((await bioCall(p, pin2, mcOnly, 1)).status).toBe(S.PIN_AUTH_INVALID);
    const token = (await pin2.token(PIN, PERM.be)).token as Uint8Array;

    const begin = await bioCall(p, pin2, token, 1);
    expect(begin.status).toBe(S.OK);
    expect(begin.body?.get(5)).toBe(0x07); // poor quality: lift and touch again
    expect(begin.body?.get(6)).toBe(4);
    const templateId = begin.body?.get(4) as Uint8Array;
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await bioCall(p, pin2, token, 2, intMap({ 1: templateId }));
      expect(r.body?.get(5)).toBe(0x00);
      remaining.push(r.body?.get(6) as number);
    }
    expect(remaining).toEqual([3, 2, 1, 0]);
    expect(key.summary.fingerprintCount).toBe(1);
    const info = (await p.ctap(0x04)).body?.get(4) as Map<string, boolean>;
    expect(info.get('uv')).toBe(true);
    expect(info.get('bioEnroll')).toBe(true);

    expect(
      (await bioCall(p, pin2, token, 5, intMap({ 1: templateId, 2: 'Right thumb' }))).status,
    ).toBe(S.OK);
    const list = await bioCall(p, pin2, token, 4);
    expect(list.body?.get(7)).toEqual([
      new Map<number, unknown>([
        [1, templateId],
        [2, 'Right thumb'],
      ]),
    ]);

    // getPinUvAuthTokenUsingUvWithPermissions: a bad finger costs a UV retry, a good one passes.
    const uvToken = async () => {
      const { cose } = await pin2.keyAgreement();
      return p.ctap(0x06, intMap({ 1: 2, 2: 6, 3: cose, 9: PERM.ga, 10: 'example.com' }));
    };
    fingers.push('bad');
    expect((await uvToken()).status).toBe(0x3f); // UV_INVALID
    expect((await p.ctap(0x06, intMap({ 2: 7 }))).body?.get(5)).toBe(7);
    fingers.push('good');
    expect((await uvToken()).status).toBe(S.OK);
    expect((await p.ctap(0x06, intMap({ 2: 7 }))).body?.get(5)).toBe(8);

    // The UV token replaced the enrollment token: a new one to remove the fingerprint.
    const again = (await pin2.token(PIN, PERM.be)).token as Uint8Array;
    expect((await bioCall(p, pin2, token, 4)).status).toBe(S.PIN_AUTH_INVALID);
    expect((await bioCall(p, pin2, again, 6, intMap({ 1: templateId }))).status).toBe(S.OK);
    expect((await bioCall(p, pin2, again, 4)).status).toBe(S.INVALID_OPTION);
    expect(((await p.ctap(0x04)).body?.get(4) as Map<string, boolean>).get('uv')).toBe(false);
  });
});

describe('touch delay and key time (fake timers, no real waiting)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('--touch-delay: the person touches after the delay, keepalives say UPNEEDED meanwhile', async () => {
    vi.useFakeTimers();
    const { key, p } = await open({ touchDelayMs: 8000 });
    const upneeded: number[] = [];
    key.on('upneeded', (c) => upneeded.push(c));
    let done = false;
    const pending = p.ctap(0x0b).then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(7950);
    expect(done).toBe(false);
    expect(upneeded).toEqual([0x0b]);
    expect(key.waitingForTouch).toBe(false); // nobody needs to press: the simulated person will
    await vi.advanceTimersByTimeAsync(100);
    const r = await pending;
    expect(r.status).toBe(S.OK);
    expect(r.keepalives.length).toBeGreaterThanOrEqual(79);
    expect(new Set(r.keepalives)).toEqual(new Set([2])); // UPNEEDED
  });

  it('--key-time-ms: makeCredential waits two operations, getAssertion one, as PROCESSING', async () => {
    vi.useFakeTimers();
    const { p } = await open({ keyTimeMs: 150 });
    let done = false;
    const made = p.ctap(0x01, mc()).then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(290);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    const r = await made;
    expect(r.status).toBe(S.OK);
    expect(new Set(r.keepalives)).toEqual(new Set([1])); // PROCESSING
    let asserted = false;
    const got = p.ctap(0x02, ga({ allow: [credentialIdOf(r.body)] })).then((x) => {
      asserted = true;
      return x;
    });
    await vi.advanceTimersByTimeAsync(140);
    expect(asserted).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect((await got).status).toBe(S.OK);
  });
});

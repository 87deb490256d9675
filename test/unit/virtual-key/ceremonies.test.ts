/** makeCredential and getAssertion of the virtual key (CTAP 2.1 §6.1, §6.2). */
import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { credentialIdOf, ga, intMap, mc } from './harness';
import { PERM, PIN, S, open, withPin } from './keyFixture';

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

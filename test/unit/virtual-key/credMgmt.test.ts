/** authenticatorCredentialManagement of the virtual key (0x0A and the preview 0x41; CTAP 2.1 §6.8). */
import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { ga, intMap, mc } from './harness';
import { PERM, PIN, S, withPin } from './keyFixture';

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

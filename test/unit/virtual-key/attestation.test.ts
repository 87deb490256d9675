/** Attestation, deterministic replies and persistent state of the virtual key. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../native/cbor';
import { TEST_ATTESTATION_ROOT_PEM, VirtualKey } from '../../../native/virtual-key';
import { credentialIdOf, ga, mc } from './harness';
import { PERM, PIN, S, dirs, keys, open, withPin } from './keyFixture';

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

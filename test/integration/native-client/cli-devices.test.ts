/**
 * `keystation-key` with several keys plugged in (docs/KEYS.md "Key manager"): `--device <n>` by
 * the index `list` prints, "touch the key you want" (authenticatorSelection on 2.1, the dummy
 * makeCredential on 2.0, CANCEL to the others, a blink first where the key can), and
 * `--mds/--mds-root` naming models from a verified FIDO metadata BLOB and warning about revoked
 * ones. Touches are given when a key asks for one, never after a sleep.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../native/cli/main';
import { PinInput } from '../../../native/cli/pinInput';
import { VIRTUAL_KEY_AAGUID } from '../../../native/client/keyModel';
import { VirtualKey, startUdpVirtualKey, type UdpVirtualKey } from '../../../native/virtual-key';
import type { KeyProfileName } from '../../../native/virtual-key/profiles';
import { makeMdsBlob, mdsTestSigner, tamperMdsBlob } from '../../support/mds/blob';

const servers: UdpVirtualKey[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function plug(profile: KeyProfileName, touch: 'auto' | 'manual' = 'auto', wink = true) {
  const key = new VirtualKey({ profile, touch, seed: `cli-devices-${servers.length}`, wink });
  const udp = await startUdpVirtualKey({ key });
  servers.push(udp);
  return udp;
}

function io() {
  const input = new PassThrough();
  input.end('');
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    json: () => JSON.parse(out.join('\n')) as Record<string, unknown>,
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      pins: new PinInput(input as unknown as NodeJS.ReadStream),
      listDevices: async () => servers.map((s) => ({ path: s.path, kind: 'udp' as const })),
    },
  };
}

describe('keystation-key with several keys', () => {
  it('--device <n> opens the n-th key of `list`; a number past the list is a usage error', async () => {
    await plug('ctap21');
    await plug('ctap20');
    const listed = io();
    expect(await main(['--json', 'list'], listed.io)).toBe(0);
    const rows = JSON.parse(listed.out.join('\n')) as { index: number; path: string }[];
    expect(rows.map((r) => [r.index, r.path])).toEqual([
      [1, servers[0].path],
      [2, servers[1].path],
    ]);

    const second = io();
    expect(await main(['--device', '2', '--json', 'info'], second.io)).toBe(0);
    expect(second.json().versions).toEqual(['U2F_V2', 'FIDO_2_0']);
    const first = io();
    expect(await main(['-d', '1', '--json', 'info'], first.io)).toBe(0);
    expect(first.json().versions).toContain('FIDO_2_1');

    const none = io();
    expect(await main(['--device', '3', 'info'], none.io)).toBe(1);
    expect(none.err.join('\n')).toMatch(/There is no key number 3: 2 key\(s\) found/);
  });

  it('no --device: "touch the key you want" picks the touched CTAP 2.0 key (dummy makeCredential); the other gets CANCEL; keys that can blink do', async () => {
    const a = await plug('ctap21', 'manual');
    const b = await plug('ctap20', 'manual');
    const c = await plug('ctap21', 'manual', false);
    const winks = [0, 0, 0];
    const asked: number[] = [];
    [a, b, c].forEach((s, i) => {
      s.key.on('wink', () => (winks[i] += 1));
      s.key.on('upneeded', (command) => asked.push(command));
    });
    const allWaiting = Promise.all(
      [a, b, c].map((s) => new Promise<void>((resolve) => s.key.once('upneeded', () => resolve()))),
    );
    const t = io();
    const run = main(['--json', 'info'], t.io);
    await allWaiting;
    // authenticatorSelection (0x0B) on the 2.1 keys, makeCredential (0x01) on the 2.0 key
    expect(asked.sort()).toEqual([0x01, 0x0b, 0x0b]);
    expect(winks).toEqual([1, 1, 0]);
    expect(b.key.touch()).toBe(true);
    expect(await run).toBe(0);
    expect(t.err.join('\n')).toMatch(/3 keys found\. Touch the key you want to use/);
    expect(t.json().versions).toEqual(['U2F_V2', 'FIDO_2_0']);
    expect(a.key.waitingForTouch).toBe(false);
    expect(c.key.waitingForTouch).toBe(false);
    // the dummy makeCredential left nothing on the touched key
    expect(b.key.credentialCount).toBe(0);
  });
});

describe('keystation-key --mds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-mds-cli-'));

  it('names the model from a verified BLOB and warns about a revoked one; a changed BLOB is refused', async () => {
    await plug('ctap21');
    const signer = mdsTestSigner('CLI');
    const blob = makeMdsBlob(signer, {
      no: 1,
      entries: [
        {
          aaguid: VIRTUAL_KEY_AAGUID,
          description: 'Keystation Virtual Key (metadata)',
          statusReports: [{ status: 'USER_VERIFICATION_BYPASS', effectiveDate: '2025-01-01' }],
        },
      ],
    });
    const files = {
      blob: join(dir, 'blob.jwt'),
      root: join(dir, 'root.pem'),
      changed: join(dir, 'changed.jwt'),
    };
    writeFileSync(files.blob, blob);
    writeFileSync(files.root, signer.ca.certPem);
    writeFileSync(
      files.changed,
      tamperMdsBlob(blob, (p) => (p.no = 2)),
    );
    try {
      const info = io();
      const mds = ['--mds', files.blob, '--mds-root', files.root];
      expect(await main([...mds, '--device', '1', '--json', 'info'], info.io)).toBe(0);
      expect(info.json()).toMatchObject({
        model: 'Keystation Virtual Key (metadata)',
        mdsStatus: 'USER_VERIFICATION_BYPASS',
        compromised: true,
      });
      const human = io();
      expect(await main([...mds, 'list'], human.io)).toBe(0);
      expect(human.out.join('\n')).toMatch(
        /Keystation Virtual Key \(metadata\)[\s\S]*WARNING: FIDO metadata reports this model USER_VERIFICATION_BYPASS/,
      );

      const changed = io();
      expect(
        await main(['--mds', files.changed, '--mds-root', files.root, 'list'], changed.io),
      ).toBe(1);
      expect(changed.err.join('\n')).toMatch(/signature does not match its content/);
      const noRoot = io();
      expect(await main(['--mds', files.blob, 'list'], noRoot.io)).toBe(1);
      expect(noRoot.err.join('\n')).toMatch(/not signed under the given root/);
      const rootAlone = io();
      expect(await main(['--mds-root', files.root, 'list'], rootAlone.io)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

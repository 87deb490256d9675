/**
 * A key model the imported FIDO metadata reports as revoked is refused for provisioning as it is
 * for a person's own key (docs/KEYS.md "Key manager", docs/PROVISIONING.md "Reasons"): on the
 * console's board the key's row carries the person flow's refusal, and the headless command
 * over a station registry refuses it too. Nobody is provisioned, the key is left untouched.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/provision-cli/main';
import { KeyDevices } from '../../../main/station/devices';
import { openStation } from '../../../main/station/index';
import { ProvisioningDesk, type DeskView } from '../../../main/station/provisioning/desk';
import { VIRTUAL_KEY_AAGUID } from '../../../native/client/keyModel';
import { openAuthenticator } from '../../../native/index';
import type { UdpVirtualKey } from '../../../native/virtual-key';
import { makeMdsBlob, mdsTestSigner, type MdsTestSigner } from '../../support/mds/blob';
import { optionsJsonl, startKeys, startWorld, type World } from './support';

/** The reason the board and the report carry: the person flow's error with its parameters. */
const REFUSED =
  'station:securityKey.modelCompromised?model=Keystation+Virtual+Key+%28MDS%29&status=REVOKED';

function revokedBlob(signer: MdsTestSigner): string {
  return makeMdsBlob(signer, {
    no: 1,
    entries: [
      {
        aaguid: VIRTUAL_KEY_AAGUID,
        description: 'Keystation Virtual Key (MDS)',
        statusReports: [
          { status: 'FIDO_CERTIFIED_L1', effectiveDate: '2023-01-01' },
          { status: 'REVOKED', effectiveDate: '2025-02-01' },
        ],
      },
    ],
  });
}

describe('provisioning refuses a model the FIDO metadata flags', () => {
  let w: World;
  let dir: string;
  let signer: MdsTestSigner;
  beforeAll(async () => {
    w = await startWorld(2);
    dir = mkdtempSync(join(tmpdir(), 'ks-prov-mds-'));
    signer = mdsTestSigner();
  });
  afterAll(async () => {
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on the console: the key row shows the refusal, the person stays queued, nothing registered', async () => {
    const station = openStation({ dataDir: join(dir, 'desk'), mode: 'demo' });
    const devices = new KeyDevices({ mode: 'demo', emit: () => undefined, watchUsb: false });
    let changes: (() => void)[] = [];
    const desk = new ProvisioningDesk(station, devices, () => {
      const c = changes;
      changes = [];
      for (const f of c) f();
    });
    const until = async (ok: (v: DeskView) => boolean, what: string): Promise<DeskView> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const v = desk.view();
        if (ok(v)) return v;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v.run)}`);
        await new Promise<void>((resolve) => {
          changes.push(resolve);
          setTimeout(resolve, 1000);
        });
      }
    };
    try {
      const [upn] = w.upns;
      station.people.create({ upn, displayName: w.tenant.user(upn).displayName });
      expect(station.provisioning.importOptions(optionsJsonl(w, [upn])).imported).toBe(1);
      await station.keyModels.import(revokedBlob(signer), signer.ca.certPem);
      devices.controlVirtual('virtual-1', { kind: 'setTouchMode', mode: 'auto' });

      desk.start(null, {
        pinLength: 8,
        setMinPinLength: true,
        forcePinChange: false,
        resetConfirmed: true,
      });
      const v = await until(
        (x) => x.run?.keys.find((k) => k.deviceId === 'virtual-1')?.step === 'failed',
        'the key to be refused',
      );
      expect(v.run!.keys.find((k) => k.deviceId === 'virtual-1')!.reason).toBe(REFUSED);
      expect(v.run!.people).toEqual([
        expect.objectContaining({ upn, state: 'queued', attempts: 0 }),
      ]);
      desk.end();
      const person = station.people.getByUpn(upn);
      expect(station.methods.list(person.id)).toEqual([]);
      // The challenge is unspent: the person can still be provisioned on another key.
      expect(station.provisioning.readyPeople().map((p) => p.upn)).toEqual([upn]);
      // Nothing reached the key: still no PIN.
      const ctap = await openAuthenticator(devices.target('virtual-1'));
      try {
        expect(ctap.info.options.clientPin).toBe(false);
      } finally {
        await ctap.close();
      }
    } finally {
      desk.close();
      devices.close();
      station.close();
    }
  }, 120_000);

  it("keystation-provision --data-dir: the registry's imported metadata refuses the key; exit 1, no registration", async () => {
    const dataDir = join(dir, 'station');
    const [, upn] = w.upns;
    const s0 = openStation({ dataDir });
    s0.people.create({ upn, displayName: w.tenant.user(upn).displayName });
    await s0.keyModels.import(revokedBlob(signer), signer.ca.certPem);
    s0.close();
    const optionsFile = join(dir, 'options.jsonl');
    writeFileSync(optionsFile, optionsJsonl(w, [upn]));
    const out = join(dir, 'out');
    let keys: UdpVirtualKey[] = [];
    const lines: Record<string, unknown>[] = [];
    try {
      keys = await startKeys(1);
      const code = await main(
        ['--data-dir', dataDir, '--options', optionsFile, '--out', out, '--device', keys[0].path],
        { line: (o) => lines.push(o), text: () => undefined },
      );
      expect(code).toBe(1);
      expect(lines).toContainEqual(
        expect.objectContaining({ event: 'key', step: 'failed', reason: REFUSED }),
      );
      const ctap = await openAuthenticator(keys[0].path);
      try {
        expect(ctap.info.options.clientPin).toBe(false);
      } finally {
        await ctap.close();
      }
    } finally {
      await Promise.all(keys.map((k) => k.close()));
    }
    expect(readFileSync(join(out, 'registrations.jsonl'), 'utf8')).toBe('');
    const s = openStation({ dataDir });
    try {
      expect(s.methods.list(s.people.getByUpn(upn).id)).toEqual([]);
    } finally {
      s.close();
    }
  }, 120_000);
});

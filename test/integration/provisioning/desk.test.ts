/**
 * The console's provisioning desk (docs/PROVISIONING.md "In the operator console") over the
 * station's demo virtual keys: an options file imported into the roster ("challenge ready
 * until"), a run started for everyone ready, a key pulled while it waits for a touch (its person
 * requeued and finished on another key after a confirmed reset), the PIN slips handed over once,
 * and the registrations accepted by the test provider.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyDevices } from '../../../main/station/devices';
import { openStation, type Station } from '../../../main/station/index';
import { ProvisioningDesk, type DeskView } from '../../../main/station/provisioning/desk';
import { graph, secretToken } from '../graph-provider/support';
import { optionsJsonl, pinsFromSlips, startWorld, type World } from './support';

const settings = {
  pinLength: 8,
  setMinPinLength: true,
  forcePinChange: true,
  resetConfirmed: true,
};

describe('provisioning desk: keys plugged in take the next person', () => {
  let w: World;
  let dir: string;
  let station: Station;
  let devices: KeyDevices;
  let desk: ProvisioningDesk;
  let changes: (() => void)[] = [];

  /** Resolves when `ok` holds for the board, re-checked at each change the desk reports. */
  async function until(ok: (v: DeskView) => boolean, what: string): Promise<DeskView> {
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
  }

  beforeAll(async () => {
    w = await startWorld(4);
    dir = mkdtempSync(join(tmpdir(), 'ks-desk-'));
    station = openStation({ dataDir: dir, mode: 'demo' });
    devices = new KeyDevices({ mode: 'demo', emit: () => undefined, watchUsb: false });
    devices.addVirtual();
    desk = new ProvisioningDesk(station, devices, () => {
      const c = changes;
      changes = [];
      for (const f of c) f();
    });
  });
  afterAll(async () => {
    desk?.close();
    devices?.close();
    station?.close();
    await w.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports options, provisions 3 people on 2 keys with one pulled mid-way, hands the slips over once', async () => {
    const [a, b, c, outside] = w.upns;
    for (const upn of [a, b, c])
      station.people.create({ upn, displayName: w.tenant.user(upn).displayName });
    const file = `${optionsJsonl(w, [a, b, c, outside])}\n{not json}\n`;
    const imported = station.provisioning.importOptions(file);
    expect(imported.imported).toBe(3);
    expect(imported.errors).toEqual([
      { row: 4, problem: 'notInRoster' },
      { row: 5, problem: 'notJson' },
    ]);
    const ready = station.provisioning.readyPeople();
    expect(ready.map((p) => p.upn).sort()).toEqual([a, b, c].sort());
    const roster = station.roster.list({ query: '' });
    const until1 = roster.people.filter((p) => p.challengeReadyUntil !== null);
    expect(until1).toHaveLength(3);

    // Key 1 is touched by itself; key 2 waits for a touch that never comes and is pulled.
    devices.controlVirtual('virtual-1', { kind: 'setTouchMode', mode: 'auto' });
    desk.start(null, settings);
    expect(() => desk.start(null, settings)).toThrow(/runActive/);
    await until(
      (v) => v.run?.keys.find((k) => k.deviceId === 'virtual-2')?.touch === true,
      'key 2 to wait for a touch',
    );
    const pulled = desk.view().run!.keys.find((k) => k.deviceId === 'virtual-2')!.upn;
    devices.controlVirtual('virtual-2', { kind: 'unplug' });
    await until(
      (v) => v.run?.people.find((p) => p.upn === pulled)?.state === 'queued',
      'the pulled person back in the queue',
    );
    expect(desk.view().run!.people.find((p) => p.upn === pulled)!.reason).toBe('keyRemoved');
    await until(
      (v) => v.run?.keys.find((k) => k.deviceId === 'virtual-1')?.step === 'remove',
      'key 1 done with its first person',
    );
    // The next key: key 1 again, re-inserted (reset within its power-up window, then a person).
    for (let round = 0; round < 2; round++) {
      devices.controlVirtual('virtual-1', { kind: 'unplug' });
      devices.controlVirtual('virtual-1', { kind: 'plugIn' });
      devices.controlVirtual('virtual-1', { kind: 'setTouchMode', mode: 'auto' });
      await until(
        (v) =>
          v.run?.state === 'finished' ||
          v.run?.keys.find((k) => k.deviceId === 'virtual-1')?.provisioned === round + 2,
        `key 1 done with person ${round + 2}`,
      );
    }
    const done = await until((v) => v.run?.state === 'finished', 'the run to end');
    expect(done.run!.counts).toMatchObject({ done: 3, failed: 0, queued: 0 });
    expect(done.run!.people.find((p) => p.upn === pulled)!.attempts).toBe(2);
    expect(done.run!.keys.find((k) => k.deviceId === 'virtual-1')!.keyConfig).toBe('set');

    // The slips: once, each person's PIN once, never again.
    const slips = await desk.takeSlips('en');
    expect(slips.count).toBe(3);
    const pins = await pinsFromSlips(Buffer.from(slips.pdf, 'base64'));
    expect([...pins.keys()].sort()).toEqual([a, b, c].sort());
    for (const [, p] of pins) expect(p).toEqual([expect.stringMatching(/^\d{8}$/)]);
    await expect(desk.takeSlips('en')).rejects.toThrow(/slipsGone/);
    expect(desk.view().run!.slips).toBe('taken');

    // The registrations: the provider accepts each line; the challenges are spent.
    const { jsonl, count } = desk.registrations();
    expect(count).toBe(3);
    const token = await secretToken(w.provider, w.tenant, w.app);
    for (const line of jsonl.trim().split('\n')) {
      // userId is the provider's object id for linked people; the UPN names anyone else.
      const l = JSON.parse(line) as { userId: string | null; upn: string; body: unknown };
      const r = await graph(
        w.provider,
        token,
        'POST',
        `/v1.0/users/${encodeURIComponent(l.userId ?? l.upn)}/authentication/fido2Methods`,
        l.body,
      );
      expect(r.status, r.text).toBe(201);
    }
    expect(station.provisioning.readyPeople()).toEqual([]);
    for (const upn of [a, b, c]) {
      const person = station.people.getByUpn(upn);
      expect(station.methods.list(person.id).map((m) => m.kind)).toEqual(['securityKey']);
    }
  }, 300_000);
});

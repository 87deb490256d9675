/**
 * Hardware OATH tokens reach the provider (docs/IDP.md "Hardware OATH tokens"): a token the person
 * activated at the desk is created in the tenant's inventory (or found there by its serial
 * number), assigned to the person and activated with the token's current code; confirmed once the
 * provider lists it. A lost reply never makes a second device or assignment; a code the provider
 * refuses is said plainly; deleting the method removes the assignment at the provider; the secret
 * is never in the outbox, the audit or the hand-off files in clear; a hand-off is activated by a
 * station that holds the same token inventory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { totpCode } from '../../../main/station/methods/totp';
import { linkedStation, startWorld, type LinkedStation, type ProviderWorld } from './support';

const TOTP = { period: 30, digits: 6, algorithm: 'SHA1' } as const;
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const OATH_CSV = 'upn,serial number,secret key,time interval,manufacturer,model';

describe('hardware OATH tokens pushed to the test provider', () => {
  let w: ProviderWorld;
  beforeAll(async () => {
    w = await startWorld(6, { methods: false });
  });
  afterAll(() => w.close());

  /** The station's clock on the provider's time, so codes made on one are checked on the other. */
  function inStep(s: LinkedStation): void {
    s.clock.ms = w.provider.clock.now();
  }

  /** Imports a token for `upn` and activates it at the desk with the code it shows now. */
  function activate(s: LinkedStation, upn: string, serial: string, secret = SECRET) {
    const imported = s.station.oathTokens.importCsv(
      `${OATH_CSV}\n${upn},${serial},${secret},30,Keystation Test,OTP c200`,
    );
    expect(imported.errors).toEqual([]);
    const p = s.station.people.getByUpn(upn);
    inStep(s);
    const method = s.station.enroll.hardwareToken.activate(
      p.id,
      serial,
      totpCode(secret, TOTP, s.clock.now()),
    );
    return { p, method };
  }

  it('create, assign and activate: confirmed when the provider lists it, shown as confirmed', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user0@${w.tenant.domain}`;
      const { p, method } = activate(s, upn, 'HW-0001');
      expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('pending');
      inStep(s);
      w.provider.clearRequestLog();
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1, failed: 0 });

      const devices = w.tenant.hardwareOathDevices().filter((d) => d.serialNumber === 'HW-0001');
      expect(devices).toHaveLength(1);
      expect(devices[0]).toMatchObject({
        status: 'activated',
        assignedToUserId: w.tenant.user(upn).id,
        manufacturer: 'Keystation Test',
        model: 'OTP c200',
        timeIntervalInSeconds: 30,
      });
      // The provider holds the station's secret: its current code is the token's.
      expect(w.tenant.currentOathCode('HW-0001')).toBe(
        totpCode(SECRET, TOTP, new Date(w.provider.clock.now())),
      );
      const held = w.tenant.methods(upn, 'hardwareOath');
      expect(held).toHaveLength(1);
      expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('confirmed');
      const item = s.station.idp
        .outboxStatus()
        .items.find((i) => i.operation === 'hardwareOath.register');
      expect(item).toMatchObject({ state: 'confirmed', providerMethodId: held[0].id });
      // Looked up, created, assigned, activated, listed: one request each.
      expect(w.provider.requestCounts()).toMatchObject({
        'GET /directory/authenticationMethodDevices/hardwareOathDevices': 1,
        'POST /directory/authenticationMethodDevices/hardwareOathDevices': 1,
        'POST /users/{id}/authentication/hardwareOathMethods': 1,
        'POST /users/{id}/authentication/hardwareOathMethods/{method}/activate': 1,
        'GET /users/{id}/authentication/hardwareOathMethods': 1,
      });
      // Confirmed and from this station: shown once, as the station's method, not as a provider one.
      await s.station.idp.refreshPerson(p.id);
      const view = s.station.idp.personView(p.id);
      expect(view.providerMethods.filter((m) => m.type === 'hardwareOath')).toEqual([]);
      expect(view.sync[String(method.id)]).toBe('confirmed');
      // The dashboard counts it.
      expect(s.station.idp.summary().confirmedMethods).toBe(1);
    } finally {
      s.close();
    }
  });

  it('a token the tenant already holds is found by its serial, never created twice; lost replies repeat nothing', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user1@${w.tenant.domain}`;
      w.tenant.addOathDevice({ serialNumber: 'HW-0002', secretKey: SECRET });
      const { p, method } = activate(s, upn, 'HW-0002');
      // The assignment and the activation are processed, and each reply is lost.
      w.provider.faults.dropReply({
        count: 1,
        match: { endpoint: 'POST /users/{id}/authentication/hardwareOathMethods' },
      });
      w.provider.faults.dropReply({
        count: 1,
        match: {
          endpoint: 'POST /users/{id}/authentication/hardwareOathMethods/{method}/activate',
        },
      });
      w.provider.clearRequestLog();
      inStep(s);
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1, failed: 0 });
      expect(
        w.tenant.hardwareOathDevices().filter((d) => d.serialNumber === 'HW-0002'),
      ).toHaveLength(1);
      expect(w.tenant.methods(upn, 'hardwareOath')).toHaveLength(1);
      const counts = w.provider.requestCounts();
      expect(counts['POST /directory/authenticationMethodDevices/hardwareOathDevices']).toBe(
        undefined,
      );
      expect(counts['POST /users/{id}/authentication/hardwareOathMethods']).toBe(1);
      expect(counts['POST /users/{id}/authentication/hardwareOathMethods/{method}/activate']).toBe(
        1,
      );
      expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('confirmed');

      // A replay of the confirmed item (retry after a crash) changes nothing at the provider.
      const again = await s.station.idp.push();
      expect(again.attempted).toBe(0);
    } finally {
      s.close();
    }
  });

  it('a code the provider refuses is reported plainly and nothing is taken as confirmed', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user2@${w.tenant.domain}`;
      // The tenant holds this serial with another secret (another vendor file).
      w.tenant.addOathDevice({ serialNumber: 'HW-0003', secretKey: OTHER_SECRET });
      const { p, method } = activate(s, upn, 'HW-0003');
      inStep(s);
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 0, failed: 1 });
      expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('failed');
      const st = s.station.idp.outboxStatus();
      expect(st.lastError).toMatch(/^activate: 400 invalidVerificationCode/);
      expect(st.lastError).not.toContain(SECRET);
      const device = w.tenant.hardwareOathDevices().find((d) => d.serialNumber === 'HW-0003');
      expect(device?.status).not.toBe('activated');
    } finally {
      s.close();
    }
  });

  it('a missing inventory permission is named and stops the push; the token waits', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user3@${w.tenant.domain}`;
      activate(s, upn, 'HW-0004');
      w.app.revoke('Policy.ReadWrite.AuthenticationMethod');
      try {
        s.station.idp.saveConnection({
          tenantId: w.tenant.id,
          clientId: w.app.appId,
          credentialKind: 'secret',
          authorityHost: w.provider.authorityHost,
          graphHost: w.provider.graphUrl,
          groupId: w.groupId,
        });
        inStep(s);
        await expect(s.station.idp.push()).rejects.toMatchObject({
          code: 'idp.missingPermission',
          params: { permission: 'Policy.ReadWrite.AuthenticationMethod' },
        });
        expect(s.station.idp.outboxStatus().counts).toMatchObject({ failed: 0, confirmed: 0 });
      } finally {
        w.app.grant('Policy.ReadWrite.AuthenticationMethod');
      }
      inStep(s);
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1 });
      expect(w.tenant.methods(upn, 'hardwareOath')).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('a token the tenant assigned elsewhere is read at the pull and shown as held by the provider', async () => {
    const s = linkedStation(w);
    try {
      const upn = `user5@${w.tenant.domain}`;
      const held = w.tenant.addMethod(upn, { type: 'hardwareOath', serialNumber: 'HW-ELSE' });
      await s.station.idp.pull();
      const person = s.station.people.findByUpn(upn);
      expect(person).toBeDefined();
      const shown = s.station.idp
        .personView(person!.id)
        .providerMethods.filter((m) => m.type === 'hardwareOath');
      expect(shown.map((m) => m.providerMethodId)).toEqual([held.id]);
    } finally {
      s.close();
    }
  });

  it('deleting the method removes the assignment at the provider', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user4@${w.tenant.domain}`;
      const { p, method } = activate(s, upn, 'HW-0005');
      inStep(s);
      await s.station.idp.push();
      expect(w.tenant.methods(upn, 'hardwareOath')).toHaveLength(1);
      s.station.methods.remove(p.id, method.id);
      inStep(s);
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1, failed: 0 });
      expect(w.tenant.methods(upn, 'hardwareOath')).toHaveLength(0);
      const device = w.tenant.hardwareOathDevices().find((d) => d.serialNumber === 'HW-0005');
      expect(device).toMatchObject({ assignedToUserId: null, status: 'available' });
    } finally {
      s.close();
    }
  });

  it('the secret is never in clear in the outbox, the audit or an exported pending file', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user5@${w.tenant.domain}`;
      activate(s, upn, 'HW-0006');
      // Exported for a hand-off: the line carries no secret.
      const exported = s.station.idp.exportPending();
      expect(exported.count).toBe(1);
      expect(exported.jsonl).toContain('HW-0006');
      for (const text of [exported.jsonl, exported.csv]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(SECRET.toLowerCase());
      }
      inStep(s);
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1 });
      expect(JSON.stringify(s.station.idp.outboxStatus())).not.toContain(SECRET);
      // Every byte of the registry (and its WAL), the audit included.
      s.station.close();
      const files = ['registry.sqlite', 'registry.sqlite-wal']
        .map((f) => join(s.dir, f))
        .filter(existsSync);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const blob = readFileSync(f);
        for (const form of [SECRET, SECRET.toLowerCase(), Buffer.from(SECRET).toString('hex')])
          expect(blob.includes(Buffer.from(form))).toBe(false);
      }
    } finally {
      s.close();
    }
  });

  it('hand-off: a station that holds the same inventory activates it; one that does not says so', async () => {
    const offline = linkedStation(w);
    const online = linkedStation(w);
    const bare = linkedStation(w);
    try {
      await offline.station.idp.pull();
      await online.station.idp.pull();
      await bare.station.idp.pull();
      const upn = `user3@${w.tenant.domain}`;
      const { p, method } = activate(offline, upn, 'HW-0007');
      const exported = offline.station.idp.exportPending();
      expect(exported.count).toBe(1);

      // Without the token in its inventory, the uploading station cannot activate it.
      inStep(bare);
      const refused = await bare.station.idp.uploadPending(exported.jsonl);
      expect(refused).toMatchObject({ confirmed: 0, failed: 1 });
      expect(refused.results).toContain('token not in the inventory of the uploading station');
      expect(w.tenant.hardwareOathDevices().some((d) => d.serialNumber === 'HW-0007')).toBe(false);

      // A file that names someone else for the token is refused too.
      online.station.oathTokens.importCsv(
        `${OATH_CSV}\n${upn},HW-0007,${SECRET},30,Keystation Test,OTP c200`,
      );
      const other = w.tenant.user(`user4@${w.tenant.domain}`).id;
      const forged = exported.jsonl.replace(/"userId":"[^"]+"/, `"userId":"${other}"`);
      const forgedResult = await online.station.idp.uploadPending(forged);
      expect(forgedResult).toMatchObject({ confirmed: 0, failed: 1 });
      expect(w.tenant.hardwareOathDevices().some((d) => d.serialNumber === 'HW-0007')).toBe(false);

      // The station with the same vendor file activates it; uploading twice changes nothing.
      inStep(online);
      const up = await online.station.idp.uploadPending(exported.jsonl);
      expect(up).toMatchObject({ confirmed: 1, failed: 0 });
      const again = await online.station.idp.uploadPending(exported.jsonl);
      expect(again).toMatchObject({ confirmed: 1, failed: 0 });
      expect(w.tenant.hardwareOathDevices().filter((d) => d.serialNumber === 'HW-0007')).toEqual([
        expect.objectContaining({ status: 'activated', assignedToUserId: w.tenant.user(upn).id }),
      ]);
      const held = w.tenant
        .methods(upn, 'hardwareOath')
        .filter((m) => (m.device as { serialNumber?: string } | null)?.serialNumber === 'HW-0007');
      expect(held).toHaveLength(1);

      // Back at the offline station: confirmed.
      expect(offline.station.idp.importResults(up.results)).toMatchObject({ confirmed: 1 });
      expect(offline.station.idp.personView(p.id).sync[String(method.id)]).toBe('confirmed');
    } finally {
      offline.close();
      online.close();
      bare.close();
    }
  });

  it('on a station that pushes by itself, a phone added and then removed goes at once too', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      s.station.idp.autoPush = true;
      const upn = `user1@${w.tenant.domain}`;
      const p = s.station.people.getByUpn(upn);
      const e = await s.station.enroll.phone.begin(p.id, {
        kind: 'phoneSms',
        number: '+46701112233',
        delivery: 'gateway',
      });
      const code = s.station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '';
      const methodId = s.station.enroll.phone.complete(e.enrollmentId, code).id;
      await vi.waitFor(
        () => expect(s.station.idp.personView(p.id).sync[String(methodId)]).toBe('confirmed'),
        { timeout: 30_000, interval: 50 },
      );
      expect(w.tenant.methods(upn, 'phone')).toHaveLength(1);
      s.station.methods.remove(p.id, methodId);
      await vi.waitFor(() => expect(w.tenant.methods(upn, 'phone')).toHaveLength(0), {
        timeout: 30_000,
        interval: 50,
      });
    } finally {
      s.station.idp.autoPush = false;
      s.close();
    }
  });

  it('on a station that pushes by itself, an activated token goes at once', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      s.station.idp.autoPush = true;
      const upn = `user0@${w.tenant.domain}`;
      const { p, method } = activate(s, upn, 'HW-0008');
      await vi.waitFor(
        () => expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('confirmed'),
        { timeout: 30_000, interval: 50 },
      );
      expect(
        w.tenant.hardwareOathDevices().find((d) => d.serialNumber === 'HW-0008'),
      ).toMatchObject({ status: 'activated', assignedToUserId: w.tenant.user(upn).id });
    } finally {
      s.station.idp.autoPush = false;
      s.close();
    }
  });
});

/**
 * What stops a push, in the operator's words (docs/IDP.md "Messages"): a wrong secret, a missing
 * permission (named) and no network end the push with that message and leave every item queued,
 * so the push goes on once it is fixed; a phone number the provider already holds another number
 * for is never taken for ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollKey, linkedStation, startWorld, type ProviderWorld } from './support';

describe('push problems against the test provider', () => {
  let w: ProviderWorld;
  beforeAll(async () => {
    w = await startWorld(4);
  });
  afterAll(() => w.close());

  function settings(secret?: string) {
    return {
      tenantId: w.tenant.id,
      clientId: w.app.appId,
      credentialKind: 'secret' as const,
      secret,
      authorityHost: w.provider.authorityHost,
      graphHost: w.provider.graphUrl,
      groupId: w.groupId,
    };
  }

  it('a wrong secret stops the push with its message; the key waits and goes once the secret is right', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const p = s.station.people.getByUpn(`user0@${w.tenant.domain}`);
      const key = await enrollKey(s, p.id);
      s.station.idp.saveConnection(settings('not-the-secret'));
      await expect(s.station.idp.push()).rejects.toMatchObject({ code: 'idp.badCredential' });
      const st = s.station.idp.outboxStatus();
      expect(st.counts).toMatchObject({ pending: 1, sent: 0, failed: 0, confirmed: 0 });
      expect(st.lastError).toBe('idp.badCredential');
      expect(w.tenant.fido2Credentials(p.upn)).toHaveLength(0);

      s.station.idp.saveConnection(settings(w.app.secret));
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1, failed: 0 });
      expect(s.station.idp.personView(p.id).sync[String(key.id)]).toBe('confirmed');
      expect(w.tenant.fido2Credentials(p.upn)).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('a missing permission is named; once granted, the next push sends the key', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const p = s.station.people.getByUpn(`user1@${w.tenant.domain}`);
      const key = await enrollKey(s, p.id);
      w.app.revoke('UserAuthenticationMethod.ReadWrite.All');
      try {
        // Saved again: a new token, which no longer carries the permission.
        s.station.idp.saveConnection(settings());
        await expect(s.station.idp.push()).rejects.toMatchObject({
          code: 'idp.missingPermission',
          params: { permission: 'UserAuthMethod-Passkey.ReadWrite.All' },
        });
        const st = s.station.idp.outboxStatus();
        expect(st.counts).toMatchObject({ pending: 1, failed: 0, confirmed: 0 });
        expect(st.lastError).toBe('idp.missingPermission UserAuthMethod-Passkey.ReadWrite.All');
      } finally {
        w.app.grant('UserAuthenticationMethod.ReadWrite.All');
      }
      // The refused call dropped the cached token: this push asks for one with the permission.
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1, failed: 0 });
      expect(s.station.idp.personView(p.id).sync[String(key.id)]).toBe('confirmed');
      expect(w.tenant.fido2Credentials(p.upn)).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('a refused call outside a push names its own permission, not the group read', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const p = s.station.people.getByUpn(`user1@${w.tenant.domain}`);
      w.app.revoke('UserAuthenticationMethod.ReadWrite.All');
      try {
        s.station.idp.saveConnection(settings());
        // Creation options for a security key: the passkey permission.
        await expect(s.station.idp.creationOptionsFor(p.id, { fresh: true })).rejects.toMatchObject(
          {
            code: 'idp.missingPermission',
            params: { permission: 'UserAuthMethod-Passkey.ReadWrite.All' },
          },
        );
        // A pass issued by the provider: the temporary access pass permission.
        await expect(
          s.station.idp.issueProviderPass(p.id, { lifetimeMinutes: 60, oneTime: true }),
        ).rejects.toMatchObject({
          code: 'idp.missingPermission',
          params: { permission: 'UserAuthMethod-TAP.ReadWrite.All' },
        });
      } finally {
        w.app.grant('UserAuthenticationMethod.ReadWrite.All');
      }
      // The group read itself still names its own.
      w.app.revoke('GroupMember.Read.All');
      try {
        s.station.idp.saveConnection(settings());
        await expect(s.station.idp.pull()).rejects.toMatchObject({
          code: 'idp.missingPermission',
          params: { permission: 'GroupMember.Read.All' },
        });
      } finally {
        w.app.grant('GroupMember.Read.All');
      }
    } finally {
      s.close();
    }
  });

  it('no network stops the push at once with its message; nothing is lost', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const p = s.station.people.getByUpn(`user2@${w.tenant.domain}`);
      await enrollKey(s, p.id);
      s.station.idp.saveConnection({
        ...settings(),
        authorityHost: 'https://127.0.0.1:1',
        graphHost: 'https://127.0.0.1:1',
      });
      await expect(s.station.idp.push()).rejects.toMatchObject({ code: 'idp.noNetwork' });
      expect(s.station.idp.outboxStatus().counts).toMatchObject({ pending: 1, confirmed: 0 });
      s.station.idp.saveConnection(settings());
      expect(await s.station.idp.push()).toMatchObject({ confirmed: 1 });
      expect(w.tenant.fido2Credentials(p.upn)).toHaveLength(1);
    } finally {
      s.close();
    }
  });

  it('a phone number is confirmed only when the provider holds that number', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      // user3 has a mobile number at the provider already (+46 701234567, from the seed).
      const p = s.station.people.getByUpn(`user3@${w.tenant.domain}`);
      const e = await s.station.enroll.phone.begin(p.id, {
        kind: 'phoneSms',
        number: '+46709998877',
        delivery: 'gateway',
      });
      const m = s.station.enroll.phone.complete(
        e.enrollmentId,
        s.station.outbox.list()[0].text.match(/\d{6}/)?.[0] ?? '',
      );
      await s.station.idp.push();
      expect(s.station.idp.personView(p.id).sync[String(m.id)]).toBe('failed');
      expect(s.station.idp.outboxStatus().lastError).toMatch(/^409/);
      expect(w.tenant.methods(p.upn, 'phone').map((x) => x.phoneNumber)).toEqual(['+46 701234567']);
    } finally {
      s.close();
    }
  });
  it('a call to an office phone reaches the provider as the office phone, beside the mobile', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      // user3 has a mobile at the provider already: the office phone takes its own slot.
      const p = s.station.people.getByUpn(`user3@${w.tenant.domain}`);
      const e = await s.station.enroll.phone.begin(p.id, {
        kind: 'phoneCall',
        number: '+46812345678',
        delivery: 'gateway',
        phoneType: 'office',
      });
      // A call reads the code digit by digit.
      const spoken = s.station.outbox.list()[0]?.text.match(/(\d ){5}\d/)?.[0] ?? '';
      const m = s.station.enroll.phone.complete(e.enrollmentId, spoken.replace(/ /g, ''));
      await s.station.idp.push();
      expect(s.station.idp.personView(p.id).sync[String(m.id)]).toBe('confirmed');
      const phones = w.tenant.methods(p.upn, 'phone');
      expect(phones.find((x) => x.phoneType === 'office')?.phoneNumber).toBe('+46 812345678');
    } finally {
      s.close();
    }
  });
});

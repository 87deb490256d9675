import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollKey, linkedStation, startWorld, type ProviderWorld } from './support';
import { stationContext } from '../../../main/station/internals';
import { RegistryInspection } from '../../../main/db/inspection';

describe('identity provider link (Graph) against the test provider', () => {
  let w: ProviderWorld;
  beforeAll(async () => {
    w = await startWorld(6);
  });
  afterAll(() => w.close());

  it('test connection: ok, then a wrong secret, an unknown tenant and a missing permission in plain words', async () => {
    const s = linkedStation(w);
    try {
      const ok = await s.station.idp.testConnection();
      expect(ok).toMatchObject({ ok: true, checks: { token: true, group: true, methods: true } });

      s.station.idp.saveConnection({
        ...base(w),
        secret: 'not-the-secret',
      });
      const bad = await s.station.idp.testConnection();
      expect(bad).toMatchObject({ ok: false, problem: { code: 'idp.badCredential' } });

      s.station.idp.saveConnection({
        ...base(w),
        tenantId: '11111111-2222-3333-4444-555555555555',
        secret: w.app.secret,
      });
      expect(await s.station.idp.testConnection()).toMatchObject({
        ok: false,
        problem: { code: 'idp.unknownTenant' },
      });

      s.station.idp.saveConnection({ ...base(w), secret: w.app.secret });
      w.app.revoke('GroupMember.Read.All');
      try {
        expect(await s.station.idp.testConnection()).toMatchObject({
          ok: false,
          problem: { code: 'idp.missingPermission', permission: 'GroupMember.Read.All' },
        });
      } finally {
        w.app.grant('GroupMember.Read.All');
      }
      // The secret never sits in the registry in clear.
      const sealed = new RegistryInspection(stationContext(s.station).db).idpConnectionSecret();
      expect(sealed?.includes(Buffer.from(w.app.secret!))).toBe(false);
    } finally {
      s.close();
    }
  });

  it('no network: a closed port is "no network"; http to a non-loopback host is refused', async () => {
    const s = linkedStation(w);
    try {
      s.station.idp.saveConnection({ ...base(w), authorityHost: 'https://127.0.0.1:1' });
      expect(await s.station.idp.testConnection()).toMatchObject({
        ok: false,
        problem: { code: 'idp.noNetwork' },
      });
      expect(() =>
        s.station.idp.saveConnection({ ...base(w), graphHost: 'http://graph.example.org' }),
      ).toThrow(expect.objectContaining({ code: 'idp.insecureHost' }));
    } finally {
      s.close();
    }
  });

  it('pull: members in, matched again by id, provider methods stored; a member who left is marked, not deleted', async () => {
    const s = linkedStation(w);
    try {
      const r = await s.station.idp.pull();
      expect(r).toMatchObject({ people: 6, created: 6, left: 0, methodsUnread: 0 });
      expect(r.methods).toBeGreaterThanOrEqual(18);
      const again = await s.station.idp.pull();
      expect(again).toMatchObject({ people: 6, created: 0, left: 0 });
      const p = s.station.people.getByUpn(`user0@${w.tenant.domain}`);
      const view = s.station.idp.personView(p.id);
      expect(view.linked).toBe(true);
      expect(view.providerMethods.map((m) => m.type)).toEqual(
        expect.arrayContaining(['email', 'microsoftAuthenticator', 'phone']),
      );
      expect(view.providerMethods.find((m) => m.type === 'microsoftAuthenticator')).toMatchObject({
        label: 'Phone 0',
        deletable: true,
      });
      // user5 leaves the group: marked as left, still in the roster.
      const leaver = w.tenant.user(`user5@${w.tenant.domain}`);
      w.group.members.delete(leaver.id);
      try {
        s.clock.advance(1000);
        const third = await s.station.idp.pull();
        expect(third).toMatchObject({ people: 5, left: 1 });
        const kept = s.station.people.getByUpn(leaver.userPrincipalName);
        expect(s.station.idp.personView(kept.id)).toMatchObject({ linked: true, inGroup: false });
      } finally {
        w.group.members.add(leaver.id);
      }
    } finally {
      s.close();
    }
  });

  it('a security key made against the provider options is pushed once, confirmed, and survives a lost reply and 429', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user1@${w.tenant.domain}`;
      const p = s.station.people.getByUpn(upn);
      const method = await enrollKey(s, p.id);
      expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('pending');
      // The provider's reply is lost after it registered the key; then it throttles.
      w.provider.faults.dropReply({
        count: 1,
        match: { endpoint: 'POST /users/{id}/authentication/fido2Methods' },
      });
      w.provider.faults.throttle({ count: 1, retryAfterSeconds: 7 });
      const pushed = await s.station.idp.push();
      expect(pushed.confirmed).toBe(1);
      expect(s.station.idp.personView(p.id).sync[String(method.id)]).toBe('confirmed');
      expect(w.tenant.fido2Credentials(upn)).toHaveLength(1);
      const st = s.station.idp.outboxStatus();
      expect(st.counts.confirmed).toBeGreaterThanOrEqual(1);
      expect(st.counts.pending + st.counts.sent + st.counts.failed).toBe(0);

      // The same key again for the same person is recognised before any touch.
      const e = s.station.enroll.securityKey;
      const info = await e.begin(p.id, s.key.connect());
      await e.verifyPin(info.enrollmentId, '482915');
      await expect(e.register(info.enrollmentId)).rejects.toMatchObject({
        code: 'securityKey.alreadyRegistered',
      });
      await e.cancel(info.enrollmentId);
    } finally {
      s.close();
    }
  });

  it('deleting a provider method (phone sign-in) asks the provider, and it is gone there', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const upn = `user2@${w.tenant.domain}`;
      const p = s.station.people.getByUpn(upn);
      const phone = s.station.idp
        .personView(p.id)
        .providerMethods.find((m) => m.type === 'microsoftAuthenticator')!;
      const view = s.station.idp.deleteProviderMethod(p.id, phone.providerMethodId);
      expect(view.providerMethods.find((m) => m.type === 'microsoftAuthenticator')?.deleting).toBe(
        true,
      );
      await s.station.idp.push();
      expect(w.tenant.methods(upn, 'microsoftAuthenticator')).toHaveLength(0);
      expect(
        s.station.idp
          .personView(p.id)
          .providerMethods.some((m) => m.type === 'microsoftAuthenticator'),
      ).toBe(false);
      // The password can't be deleted.
      const pw = s.station.idp.personView(p.id).providerMethods.find((m) => m.type === 'password');
      if (pw)
        expect(() => s.station.idp.deleteProviderMethod(p.id, pw.providerMethodId)).toThrow(
          expect.objectContaining({ code: 'idp.notDeletable' }),
        );
    } finally {
      s.close();
    }
  });

  it('an expired challenge gives a clear error; a fresh one with one call', async () => {
    const s = linkedStation(w);
    try {
      await s.station.idp.pull();
      const p = s.station.people.getByUpn(`user3@${w.tenant.domain}`);
      const e = s.station.enroll.securityKey;
      const info = await e.begin(p.id, s.key.connect());
      await e.setPin(info.enrollmentId, '482915', '482915');
      s.clock.advance(6 * 60_000);
      w.provider.clock.advance(6 * 60_000);
      await expect(e.register(info.enrollmentId)).rejects.toMatchObject({
        code: 'idp.challengeExpired',
        params: { online: true },
      });
      await e.refreshProviderOptions(info.enrollmentId);
      // The provider's own clock also moved on for the test: the fresh challenge is its newest.
      await e.register(info.enrollmentId);
      await e.complete(info.enrollmentId, { name: 'Fresh' });
      await s.station.idp.push();
      expect(w.tenant.fido2Credentials(p.upn)).toHaveLength(1);
    } finally {
      s.close();
    }
  });
});

function base(w: ProviderWorld) {
  return {
    tenantId: w.tenant.id,
    clientId: w.app.appId,
    credentialKind: 'secret' as const,
    authorityHost: w.provider.authorityHost,
    graphHost: w.provider.graphUrl,
    groupId: w.groupId,
  };
}

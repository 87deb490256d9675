/**
 * The test provider's Graph host: token checks, 403 per missing permission, transitive group
 * members paged with @odata.nextLink, typed methods, per-type writes and deletes, hardware
 * OATH activation with a real TOTP code, password rules, registration details and $batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PHONE_METHOD_IDS,
  startGraphProvider,
  type GraphProvider,
  type SeededApp,
  type SeededTenant,
} from '../../support/graph-provider';
import { graph, secretToken } from './support';

let p: GraphProvider;
let t: SeededTenant;
let app: SeededApp;
let token: string;

beforeAll(async () => {
  p = await startGraphProvider();
  t = p.addTenant();
  app = t.addApp({ secret: true });
  token = await secretToken(p, t, app);
});
afterAll(() => p.close());

const err = (j: unknown) => (j as { error: { code: string; message: string } }).error;

describe('caller checks', () => {
  it('no token → 401 InvalidAuthenticationToken; a token from another signer → 401', async () => {
    const u = t.addUser();
    const r = await graph(p, '', 'GET', `/v1.0/users/${u.id}`);
    expect(r.status).toBe(401);
    expect(err(r.json).code).toBe('InvalidAuthenticationToken');
    const [h, b] = token.split('.');
    const forged = `${h}.${b}.${Buffer.alloc(256, 1).toString('base64url')}`;
    expect((await graph(p, forged, 'GET', `/v1.0/users/${u.id}`)).status).toBe(401);
  });

  it('an expired token → 401 (provider clock)', async () => {
    const p2 = await startGraphProvider();
    try {
      const t2 = p2.addTenant();
      const a2 = t2.addApp({ secret: true });
      const tok = await secretToken(p2, t2, a2);
      p2.clock.advance(3600_000);
      const r = await graph(p2, tok, 'GET', `/v1.0/users/${t2.addUser().id}`);
      expect(r.status).toBe(401);
      expect(err(r.json).message).toMatch(/expired/);
    } finally {
      await p2.close();
    }
  });

  it('each endpoint needs its permission: 403 Authorization_RequestDenied naming nothing secret', async () => {
    const narrow = t.addApp({ secret: true, permissions: ['User.Read.All'] });
    const tok = await secretToken(p, t, narrow);
    const u = t.addUser();
    const g = t.addGroup({ members: [u] });
    for (const [method, path] of [
      ['GET', `/v1.0/groups/${g.id}/transitiveMembers/microsoft.graph.user`],
      ['GET', `/v1.0/users/${u.id}/authentication/methods`],
      ['GET', `/v1.0/users/${u.id}/authentication/fido2Methods/creationOptions`],
      ['GET', `/v1.0/reports/authenticationMethods/userRegistrationDetails`],
      ['POST', `/beta/directory/authenticationMethodDevices/hardwareOathDevices`],
    ] as const) {
      const r = await graph(p, tok, method, path, method === 'POST' ? {} : undefined);
      expect(r.status, path).toBe(403);
      expect(err(r.json).code).toBe('Authorization_RequestDenied');
      expect(r.text).not.toContain(narrow.secret!);
    }
    expect((await graph(p, tok, 'GET', `/v1.0/users/${u.id}`)).status).toBe(200);
  });

  it('a least-privileged per-method permission is enough for its own type only', async () => {
    const passkeyOnly = t.addApp({
      secret: true,
      permissions: ['UserAuthMethod-Passkey.ReadWrite.All'],
    });
    const tok = await secretToken(p, t, passkeyOnly);
    const u = t.addUser({ methods: ['fido2', 'phone'] });
    expect(
      (await graph(p, tok, 'GET', `/v1.0/users/${u.id}/authentication/fido2Methods`)).status,
    ).toBe(200);
    expect(
      (
        await graph(
          p,
          tok,
          'GET',
          `/v1.0/users/${u.id}/authentication/fido2Methods/creationOptions`,
        )
      ).status,
    ).toBe(200);
    expect(
      (await graph(p, tok, 'GET', `/v1.0/users/${u.id}/authentication/phoneMethods`)).status,
    ).toBe(403);
  });
});

describe('people', () => {
  it('transitive members (nested groups, each person once) paged with @odata.nextLink, $top and $select', async () => {
    const { users, group: inner } = t.addPeople(180, { group: 'Inner' });
    const { users: more } = t.addPeople(70);
    const outer = t.addGroup({ displayName: 'Outer', members: [inner!, ...more, users[0]] });
    const seen: string[] = [];
    let url: string | undefined =
      `/v1.0/groups/${outer.id}/transitiveMembers/microsoft.graph.user?$top=100&$select=id,userPrincipalName,displayName`;
    let pages = 0;
    while (url) {
      const r = await graph(p, token, 'GET', url);
      expect(r.status, r.text).toBe(200);
      const body = r.json as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
      expect(body.value.length).toBeLessThanOrEqual(100);
      for (const v of body.value)
        expect(
          Object.keys(v)
            .filter((k) => !k.startsWith('@'))
            .sort(),
        ).toEqual(['displayName', 'id', 'userPrincipalName']);
      seen.push(...body.value.map((v) => v.id as string));
      url = body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    expect(seen.sort()).toEqual([...users, ...more].map((u) => u.id).sort());
  });

  it('$top out of range and an unknown $select property → 400', async () => {
    const g = t.addGroup();
    expect(
      (
        await graph(
          p,
          token,
          'GET',
          `/v1.0/groups/${g.id}/transitiveMembers/microsoft.graph.user?$top=1000`,
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await graph(
          p,
          token,
          'GET',
          `/v1.0/groups/${g.id}/transitiveMembers/microsoft.graph.user?$select=shoeSize`,
        )
      ).status,
    ).toBe(400);
  });

  it('users by id or UPN; onPremisesSyncEnabled only when selected; unknown → 404', async () => {
    const u = t.addUser({ onPremisesSyncEnabled: true });
    const byUpn = await graph(
      p,
      token,
      'GET',
      `/v1.0/users/${encodeURIComponent(u.userPrincipalName)}`,
    );
    expect((byUpn.json as { id: string }).id).toBe(u.id);
    expect(byUpn.json).not.toHaveProperty('onPremisesSyncEnabled');
    const sel = await graph(
      p,
      token,
      'GET',
      `/v1.0/users/${u.id}?$select=id,onPremisesSyncEnabled`,
    );
    expect((sel.json as { onPremisesSyncEnabled: boolean }).onPremisesSyncEnabled).toBe(true);
    const none = await graph(p, token, 'GET', `/v1.0/users/nobody@${t.domain}`);
    expect(none.status).toBe(404);
    expect(err(none.json).code).toBe('Request_ResourceNotFound');
  });
});

describe('methods', () => {
  it('lists every type with @odata.type and its fields (Authenticator device name and app version)', async () => {
    const u = t.addUser({
      methods: [
        { type: 'microsoftAuthenticator', displayName: 'Annas iPhone', phoneAppVersion: '6.8.9' },
        { type: 'phone', phoneNumber: '+46 701234567' },
        'email',
        'softwareOath',
        'hardwareOath',
        'temporaryAccessPass',
        'windowsHelloForBusiness',
        'fido2',
      ],
    });
    const r = await graph(p, token, 'GET', `/beta/users/${u.id}/authentication/methods`);
    const value = (r.json as { value: Record<string, unknown>[] }).value;
    expect(value.map((v) => v['@odata.type']).sort()).toEqual(
      [
        'email',
        'fido2',
        'hardwareOath',
        'microsoftAuthenticator',
        'password',
        'phone',
        'softwareOath',
        'temporaryAccessPass',
        'windowsHelloForBusiness',
      ].map((x) => `#microsoft.graph.${x}AuthenticationMethod`),
    );
    const auth = value.find(
      (v) => v['@odata.type'] === '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
    )!;
    expect(auth).toMatchObject({
      displayName: 'Annas iPhone',
      phoneAppVersion: '6.8.9',
      deviceTag: 'SoftwareTokenActivated',
    });
    expect(
      value.find((v) => v['@odata.type'] === '#microsoft.graph.phoneAuthenticationMethod'),
    ).toMatchObject({ id: PHONE_METHOD_IDS.mobile, phoneType: 'mobile' });
    // v1.0 has no hardware OATH methods
    const v1 = await graph(p, token, 'GET', `/v1.0/users/${u.id}/authentication/methods`);
    expect((v1.json as { value: unknown[] }).value).toHaveLength(8);
  });

  it('DELETE under each type’s own collection; the wrong collection → 404; password cannot be deleted', async () => {
    const u = t.addUser({ methods: ['microsoftAuthenticator', 'phone', 'email', 'fido2'] });
    const auth = u.methods.find((m) => m.type === 'microsoftAuthenticator')!;
    expect(
      (
        await graph(
          p,
          token,
          'DELETE',
          `/v1.0/users/${u.id}/authentication/phoneMethods/${auth.id}`,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await graph(
          p,
          token,
          'DELETE',
          `/v1.0/users/${u.id}/authentication/microsoftAuthenticatorMethods/${auth.id}`,
        )
      ).status,
    ).toBe(204);
    expect(t.methods(u.id, 'microsoftAuthenticator')).toHaveLength(0);
    const fido = u.methods.find((m) => m.type === 'fido2')!;
    expect(
      (
        await graph(
          p,
          token,
          'DELETE',
          `/v1.0/users/${u.id}/authentication/fido2Methods/${fido.id}`,
        )
      ).status,
    ).toBe(204);
    expect(t.fido2Credentials(u.id)).toHaveLength(0);
    expect(
      (
        await graph(
          p,
          token,
          'DELETE',
          `/v1.0/users/${u.id}/authentication/passwordMethods/28c10230-6103-485e-b985-444c60001490`,
        )
      ).status,
    ).toBe(400);
  });

  it('phone: one per type, format checked, alternateMobile needs mobile; email once', async () => {
    const u = t.addUser();
    const path = `/v1.0/users/${u.id}/authentication/phoneMethods`;
    expect(
      (await graph(p, token, 'POST', path, { phoneNumber: '0701234567', phoneType: 'mobile' }))
        .status,
    ).toBe(400);
    expect(
      (await graph(p, token, 'POST', path, { phoneNumber: '+46 701234567', phoneType: 'pager' }))
        .status,
    ).toBe(400);
    expect(
      (
        await graph(p, token, 'POST', path, {
          phoneNumber: '+46 701234567',
          phoneType: 'alternateMobile',
        })
      ).status,
    ).toBe(400);
    const ok = await graph(p, token, 'POST', path, {
      phoneNumber: '+46 701234567',
      phoneType: 'mobile',
    });
    expect(ok.status).toBe(201);
    expect((ok.json as { id: string }).id).toBe(PHONE_METHOD_IDS.mobile);
    expect(
      (await graph(p, token, 'POST', path, { phoneNumber: '+46 709999999', phoneType: 'mobile' }))
        .status,
    ).toBe(409);
    expect(
      (await graph(p, token, 'POST', path, { phoneNumber: '+46 8123456x12', phoneType: 'office' }))
        .status,
    ).toBe(201);
    const email = `/v1.0/users/${u.id}/authentication/emailMethods`;
    expect((await graph(p, token, 'POST', email, { emailAddress: 'not-an-address' })).status).toBe(
      400,
    );
    expect(
      (await graph(p, token, 'POST', email, { emailAddress: 'anna@example.org' })).status,
    ).toBe(201);
    expect(
      (await graph(p, token, 'POST', email, { emailAddress: 'anna2@example.org' })).status,
    ).toBe(409);
  });

  it('temporary access pass: the pass is in the creation reply only; lifetime within policy; one per person', async () => {
    const u = t.addUser();
    const path = `/v1.0/users/${u.id}/authentication/temporaryAccessPassMethods`;
    expect((await graph(p, token, 'POST', path, { lifetimeInMinutes: 5 })).status).toBe(400);
    const r = await graph(p, token, 'POST', path, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(r.status).toBe(201);
    const pass = (r.json as { temporaryAccessPass: string }).temporaryAccessPass;
    expect(pass).toMatch(/^.{8}$/);
    expect(t.checkTemporaryAccessPass(u.id, pass)).toBe(true);
    const list = await graph(p, token, 'GET', path);
    expect(
      (list.json as { value: { temporaryAccessPass: null; isUsable: boolean }[] }).value[0],
    ).toMatchObject({ temporaryAccessPass: null, isUsable: true });
    expect((await graph(p, token, 'POST', path, {})).status).toBe(400);
  });

  it('hardware OATH (beta): create + assign, activation refuses a wrong or replayed code, accepts the current one', async () => {
    const u = t.addUser();
    const create = await graph(
      p,
      token,
      'POST',
      '/beta/directory/authenticationMethodDevices/hardwareOathDevices',
      {
        serialNumber: 'TOTP000123',
        manufacturer: 'Contoso',
        model: 'Hardware Token 1000',
        secretKey: '6PJ4UKIW33NNXYZAEHQNFUFTZF7WFTFB',
        timeIntervalInSeconds: 30,
        hashFunction: 'hmacsha1',
        assignTo: { id: u.id },
      },
    );
    expect(create.status, create.text).toBe(201);
    const device = create.json as { id: string; status: string; secretKey: null };
    expect(device).toMatchObject({ status: 'assigned', secretKey: null });
    const activate = `/beta/users/${u.id}/authentication/hardwareOathMethods/${device.id}/activate`;
    const code = t.currentOathCode('TOTP000123');
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await graph(p, token, 'POST', activate, { verificationCode: wrong })).status).toBe(400);
    expect(
      (
        await graph(p, token, 'POST', activate, {
          verificationCode: code,
          displayName: 'Annas token',
        })
      ).status,
    ).toBe(204);
    expect(t.hardwareOathDevices().find((d) => d.id === device.id)?.status).toBe('activated');
    expect((await graph(p, token, 'POST', activate, { verificationCode: code })).status).toBe(400);
    // The inventory by serial number ($filter), a duplicate serial refused, a bad filter refused.
    const devices = '/beta/directory/authenticationMethodDevices/hardwareOathDevices';
    const bySerial = await graph(
      p,
      token,
      'GET',
      `${devices}?$filter=${encodeURIComponent("serialNumber eq 'TOTP000123'")}`,
    );
    expect(bySerial.status, bySerial.text).toBe(200);
    expect((bySerial.json as { value: { id: string; status: string }[] }).value).toEqual([
      expect.objectContaining({ id: device.id, status: 'activated' }),
    ]);
    const none = await graph(
      p,
      token,
      'GET',
      `${devices}?$filter=${encodeURIComponent("serialNumber eq 'NOPE'")}`,
    );
    expect((none.json as { value: unknown[] }).value).toEqual([]);
    expect(
      (await graph(p, token, 'GET', `${devices}?$filter=${encodeURIComponent('model eq 1')}`))
        .status,
    ).toBe(400);
    const again = await graph(p, token, 'POST', devices, {
      serialNumber: 'TOTP000123',
      manufacturer: 'Contoso',
      model: 'Hardware Token 1000',
      secretKey: '6PJ4UKIW33NNXYZAEHQNFUFTZF7WFTFB',
      timeIntervalInSeconds: 30,
    });
    expect(again.status).toBe(409);
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          '/v1.0/directory/authenticationMethodDevices/hardwareOathDevices',
          {},
        )
      ).status,
    ).toBe(400);
  });
});

describe('passwords and SSPR state', () => {
  it('PATCH passwordProfile: weak → 400, strong → 204 and the provider holds it; synced user → 400', async () => {
    const u = t.addUser({ displayName: 'Karin Berg', userPrincipalName: `karin.berg@${t.domain}` });
    const patch = (password: string, user = u.id) =>
      graph(p, token, 'PATCH', `/v1.0/users/${user}`, {
        passwordProfile: { password, forceChangePasswordNextSignIn: false },
      });
    for (const weak of [
      'short1A',
      'alllowercaseletters',
      'Password123!',
      'Karin.Berg2026!',
      'Lösenord!234x',
    ]) {
      const r = await patch(weak);
      expect(r.status, weak).toBe(400);
      expect(err(r.json).message).toMatch(/complexity/);
    }
    expect(t.passwordState(u.id).changes).toBe(0);
    expect((await patch('Vinter-Sol-7-Ek')).status).toBe(204);
    expect(t.checkPassword(u.id, 'Vinter-Sol-7-Ek')).toBe(true);
    expect(t.passwordState(u.id)).toMatchObject({
      changes: 1,
      forceChangePasswordNextSignIn: false,
    });
    const synced = t.addUser({ onPremisesSyncEnabled: true });
    const r = await patch('Vinter-Sol-7-Ek', synced.id);
    expect(r.status).toBe(400);
    expect(err(r.json).message).toMatch(/on-premises/);
  });

  it('without an Entra role an app cannot set passwords; an admin’s needs a privileged role', async () => {
    const noRole = t.addApp({ secret: true, directoryRoles: [] });
    const tok = await secretToken(p, t, noRole);
    const u = t.addUser();
    expect(
      (
        await graph(p, tok, 'PATCH', `/v1.0/users/${u.id}`, {
          passwordProfile: { password: 'Vinter-Sol-7-Ek' },
        })
      ).status,
    ).toBe(403);
    const admin = t.addUser({ isAdmin: true });
    expect(
      (
        await graph(p, token, 'PATCH', `/v1.0/users/${admin.id}`, {
          passwordProfile: { password: 'Vinter-Sol-7-Ek' },
        })
      ).status,
    ).toBe(403);
    // resetPassword is delegated-only in Graph: an app gets 403
    expect(
      (
        await graph(
          p,
          token,
          'POST',
          `/v1.0/users/${u.id}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword`,
          { newPassword: 'Vinter-Sol-7-Ek' },
        )
      ).status,
    ).toBe(403);
  });

  it('userRegistrationDetails: isSsprEnabled / isSsprRegistered / isSsprCapable from policy, methods and sync', async () => {
    const reg = t.addUser({ methods: ['phone'] });
    const unreg = t.addUser();
    const synced = t.addUser({ methods: ['email'], onPremisesSyncEnabled: true });
    const get = async (id: string) =>
      (
        await graph(
          p,
          token,
          'GET',
          `/v1.0/reports/authenticationMethods/userRegistrationDetails/${id}`,
        )
      ).json as Record<string, unknown>;
    expect(await get(reg.id)).toMatchObject({
      isSsprEnabled: true,
      isSsprRegistered: true,
      isSsprCapable: true,
      methodsRegistered: ['mobilePhone'],
    });
    expect(await get(unreg.id)).toMatchObject({
      isSsprEnabled: true,
      isSsprRegistered: false,
      isSsprCapable: false,
    });
    expect(await get(synced.id)).toMatchObject({ isSsprRegistered: true, isSsprCapable: false });
    t.policy.ssprScope = 'none';
    expect(await get(reg.id)).toMatchObject({ isSsprEnabled: false, isSsprCapable: false });
    t.policy.ssprScope = 'all';
    const filtered = await graph(
      p,
      token,
      'GET',
      `/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=userPrincipalName eq '${reg.userPrincipalName}'`,
    );
    expect((filtered.json as { value: { id: string }[] }).value.map((v) => v.id)).toEqual([reg.id]);
  });
});

describe('$batch', () => {
  it('runs up to 20 requests with their own statuses; more → 400', async () => {
    const users = t.addPeople(3).users;
    const requests = [
      ...users.map((u, i) => ({
        id: String(i),
        method: 'GET',
        url: `/users/${u.id}/authentication/methods`,
      })),
      { id: 'x', method: 'GET', url: '/users/nobody/authentication/methods' },
    ];
    const r = await graph(p, token, 'POST', '/v1.0/$batch', { requests });
    expect(r.status).toBe(200);
    const responses = (r.json as { responses: { id: string; status: number }[] }).responses;
    expect(responses.map((x) => [x.id, x.status])).toEqual([
      ['0', 200],
      ['1', 200],
      ['2', 200],
      ['x', 404],
    ]);
    const many = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: `/users/${users[0].id}`,
    }));
    expect((await graph(p, token, 'POST', '/v1.0/$batch', { requests: many })).status).toBe(400);
  });
});

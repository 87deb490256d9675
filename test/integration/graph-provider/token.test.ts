/**
 * The test provider's authority host: client credentials with a secret and with a
 * certificate-signed assertion (RS256/x5t and PS256/x5t#S256), Entra-format errors, and the
 * OpenID configuration / instance discovery documents MSAL reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAppCertificate,
  startGraphProvider,
  type GraphProvider,
  type SeededApp,
  type SeededTenant,
} from '../../support/graph-provider';
import { clientAssertion, httpsCall, tokenRequest } from '../../support/graph-provider/client';
import { decodePayload } from './support';

let p: GraphProvider;
let t: SeededTenant;
let app: SeededApp;
const cert = createAppCertificate('Keystation test station');
const otherCert = createAppCertificate('Someone else');

beforeAll(async () => {
  p = await startGraphProvider();
  t = p.addTenant();
  app = t.addApp({
    secret: true,
    certificates: [cert],
    permissions: ['User.Read.All', 'GroupMember.Read.All'],
  });
});
afterAll(() => p.close());

const form = (extra: Record<string, string>) => ({
  grant_type: 'client_credentials',
  client_id: app.appId,
  scope: `${p.graphUrl}/.default`,
  ...extra,
});
const aadCode = (j: unknown) => (j as { error_codes: number[] }).error_codes[0];

describe('client secret', () => {
  it('issues a JWT access token whose roles are the granted application permissions', async () => {
    const r = await tokenRequest(p.caPem, t.tokenEndpoint, form({ client_secret: app.secret! }));
    expect(r.status).toBe(200);
    const body = r.json as { token_type: string; expires_in: number; access_token: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBeGreaterThan(3000);
    const claims = decodePayload(body.access_token);
    expect(claims.roles).toEqual(['GroupMember.Read.All', 'User.Read.All']);
    expect(claims.tid).toBe(t.id);
    expect(claims.appid).toBe(app.appId);
    expect(claims.aud).toBe(p.graphUrl);
  });

  it('also by the tenant domain and with client_secret_basic', async () => {
    const basic = Buffer.from(`${app.appId}:${encodeURIComponent(app.secret!)}`).toString('base64');
    const r = await httpsCall(p.caPem, `${p.authorityHost}/${t.domain}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: `${p.graphUrl}/.default`,
      }).toString(),
    });
    expect(r.status).toBe(200);
  });

  it('wrong secret → 401 invalid_client AADSTS7000215 (also for the secret id)', async () => {
    for (const s of ['not-the-secret', app.secretId!]) {
      const r = await tokenRequest(p.caPem, t.tokenEndpoint, form({ client_secret: s }));
      expect(r.status).toBe(401);
      expect((r.json as { error: string }).error).toBe('invalid_client');
      expect(aadCode(r.json)).toBe(7000215);
      expect(r.text).not.toContain(app.secret!);
    }
  });

  it('expired secret → 401 AADSTS7000222', async () => {
    const old = t.addApp({ secret: true, secretLifetimeSeconds: -1 });
    const r = await tokenRequest(p.caPem, t.tokenEndpoint, {
      ...form({ client_secret: old.secret! }),
      client_id: old.appId,
    });
    expect(r.status).toBe(401);
    expect(aadCode(r.json)).toBe(7000222);
  });

  it('unknown tenant → 400 AADSTS90002; unknown app → 400 AADSTS700016', async () => {
    const r1 = await tokenRequest(
      p.caPem,
      `${p.authorityHost}/00000000-1111-2222-3333-444444444444/oauth2/v2.0/token`,
      form({ client_secret: app.secret! }),
    );
    expect(r1.status).toBe(400);
    expect(aadCode(r1.json)).toBe(90002);
    const r2 = await tokenRequest(p.caPem, t.tokenEndpoint, {
      ...form({ client_secret: app.secret! }),
      client_id: '9f0b6a43-0000-4000-8000-000000000000',
    });
    expect(r2.status).toBe(400);
    expect((r2.json as { error: string }).error).toBe('unauthorized_client');
    expect(aadCode(r2.json)).toBe(700016);
  });

  it('scope without /.default or for another resource is refused', async () => {
    const r1 = await tokenRequest(p.caPem, t.tokenEndpoint, {
      ...form({ client_secret: app.secret! }),
      scope: 'User.Read',
    });
    expect(aadCode(r1.json)).toBe(1002012);
    const r2 = await tokenRequest(p.caPem, t.tokenEndpoint, {
      ...form({ client_secret: app.secret! }),
      scope: 'https://vault.example/.default',
    });
    expect(aadCode(r2.json)).toBe(500011);
  });
});

describe('certificate assertion', () => {
  it.each(['RS256', 'PS256'] as const)(
    '%s assertion signed by the registered certificate → token',
    async (alg) => {
      const assertion = clientAssertion(cert, app.appId, t.tokenEndpoint, { alg });
      const r = await tokenRequest(
        p.caPem,
        t.tokenEndpoint,
        form({
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      );
      expect(r.status, r.text).toBe(200);
      expect(decodePayload((r.json as { access_token: string }).access_token).appidacr).toBe('2');
    },
  );

  const post = (assertion: string) =>
    tokenRequest(
      p.caPem,
      t.tokenEndpoint,
      form({
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    );

  it('an unregistered certificate → 401 AADSTS700027', async () => {
    const r = await post(clientAssertion(otherCert, app.appId, t.tokenEndpoint));
    expect(r.status).toBe(401);
    expect(aadCode(r.json)).toBe(700027);
  });

  it('a registered thumbprint with a signature by another key → 401 AADSTS700027', async () => {
    const forged = clientAssertion(
      {
        ...otherCert,
        thumbprintSha1: cert.thumbprintSha1,
        thumbprintSha256: cert.thumbprintSha256,
      },
      app.appId,
      t.tokenEndpoint,
    );
    const r = await post(forged);
    expect(r.status).toBe(401);
    expect(aadCode(r.json)).toBe(700027);
  });

  it('wrong audience → AADSTS700023; expired → AADSTS700024', async () => {
    const r1 = await post(
      clientAssertion(cert, app.appId, `${p.authorityHost}/common/oauth2/token`),
    );
    expect(aadCode(r1.json)).toBe(700023);
    const r2 = await post(
      clientAssertion(cert, app.appId, t.tokenEndpoint, {
        nowSeconds: Math.floor(Date.now() / 1000) - 7200,
      }),
    );
    expect(aadCode(r2.json)).toBe(700024);
  });
});

describe('metadata MSAL reads', () => {
  it('OpenID configuration names the token endpoint; unknown tenant → 400 AADSTS90002', async () => {
    const r = await httpsCall(
      p.caPem,
      `${p.authorityHost}/${t.id}/v2.0/.well-known/openid-configuration`,
    );
    expect(r.status).toBe(200);
    const c = r.json as Record<string, string>;
    expect(c.token_endpoint).toBe(t.tokenEndpoint);
    for (const k of ['authorization_endpoint', 'issuer', 'jwks_uri']) expect(c[k]).toBeTruthy();
    const bad = await httpsCall(
      p.caPem,
      `${p.authorityHost}/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    expect(bad.status).toBe(400);
    expect(aadCode(bad.json)).toBe(90002);
  });

  it('instance discovery answers for the provider host only', async () => {
    const r = await httpsCall(
      p.caPem,
      `${p.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${t.authority}/oauth2/v2.0/authorize`)}`,
    );
    expect(r.status).toBe(200);
    const host = new URL(p.authorityHost).host;
    expect((r.json as { metadata: { aliases: string[] }[] }).metadata[0].aliases).toEqual([host]);
  });
});

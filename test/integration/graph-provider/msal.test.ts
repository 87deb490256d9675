/**
 * MSAL Node against the test provider, as the station will use it: knownAuthorities set to
 * the provider's authority host (no public-cloud instance discovery), client credentials with
 * a secret and with a certificate (SHA-256 thumbprint → PS256 / x5t#S256), the provider's CA
 * trusted through MSAL's network client. Checks what MSAL asked for in the request log.
 */
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAppCertificate,
  startGraphProvider,
  type GraphProvider,
  type SeededApp,
  type SeededTenant,
} from '../../support/graph-provider';
import { httpsCall } from '../../support/graph-provider/client';
import { decodePayload } from './support';

let p: GraphProvider;
let t: SeededTenant;
let app: SeededApp;
const cert = createAppCertificate();

/** MSAL's HTTP through node:https with the provider's CA as the only trust anchor. */
function networkClient(ca: string): INetworkModule {
  const send = async <T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> => {
    const r = await httpsCall(ca, url, { method, headers: options?.headers, body: options?.body });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string') headers[k] = v;
    return { status: r.status, headers, body: r.json as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

beforeAll(async () => {
  p = await startGraphProvider();
  t = p.addTenant();
  app = t.addApp({ secret: true, certificates: [cert], permissions: ['User.Read.All'] });
});
afterAll(() => p.close());

const base = () => ({
  clientId: app.appId,
  authority: t.authority,
  knownAuthorities: [new URL(p.authorityHost).host],
});

describe('MSAL Node', () => {
  it('client secret: openid-configuration then the token endpoint, no instance discovery', async () => {
    p.clearRequestLog();
    const cca = new ConfidentialClientApplication({
      auth: { ...base(), clientSecret: app.secret },
      system: { networkClient: networkClient(p.caPem) },
    });
    const res = await cca.acquireTokenByClientCredential({ scopes: [`${p.graphUrl}/.default`] });
    expect(res?.accessToken).toBeTruthy();
    expect(decodePayload(res!.accessToken).roles).toEqual(['User.Read.All']);
    expect(p.requests.map((e) => e.endpoint)).toEqual([
      'GET /{tenant}/v2.0/.well-known/openid-configuration',
      'POST /{tenant}/oauth2/v2.0/token',
    ]);
  });

  it('certificate (SHA-256 thumbprint): PS256 assertion accepted', async () => {
    const cca = new ConfidentialClientApplication({
      auth: {
        ...base(),
        clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.keyPem },
      },
      system: { networkClient: networkClient(p.caPem) },
    });
    const res = await cca.acquireTokenByClientCredential({ scopes: [`${p.graphUrl}/.default`] });
    expect(decodePayload(res!.accessToken).appidacr).toBe('2');
  });

  it('a wrong secret reaches the caller as invalid_client with AADSTS7000215', async () => {
    const cca = new ConfidentialClientApplication({
      auth: { ...base(), clientSecret: 'wrong' },
      system: { networkClient: networkClient(p.caPem) },
    });
    const err = await cca
      .acquireTokenByClientCredential({ scopes: [`${p.graphUrl}/.default`] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 'invalid_client' });
    expect(String((err as Error).message)).toContain('AADSTS7000215');
  });

  it('an unknown tenant fails at endpoint discovery (the openid-configuration is a 400)', async () => {
    const cca = new ConfidentialClientApplication({
      auth: {
        ...base(),
        authority: `${p.authorityHost}/nosuch.onmicrosoft.com`,
        clientSecret: app.secret,
      },
      system: { networkClient: networkClient(p.caPem) },
    });
    const err = await cca
      .acquireTokenByClientCredential({ scopes: [`${p.graphUrl}/.default`] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });
});

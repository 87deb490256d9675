/** Shared helpers for the test provider's own tests. */
import { httpsCall, tokenRequest, type HttpReply } from '../../support/graph-provider/client';
import type { GraphProvider, SeededApp, SeededTenant } from '../../support/graph-provider';

export async function secretToken(
  p: GraphProvider,
  t: SeededTenant,
  app: SeededApp,
): Promise<string> {
  const r = await tokenRequest(p.caPem, t.tokenEndpoint, {
    grant_type: 'client_credentials',
    client_id: app.appId,
    client_secret: app.secret!,
    scope: `${p.graphUrl}/.default`,
  });
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return (r.json as { access_token: string }).access_token;
}

export function graph(
  p: GraphProvider,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const url = path.startsWith('https://') ? path : `${p.graphUrl}${path}`;
  return httpsCall(p.caPem, url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Remove OData annotations (`@odata.*`) recursively, as a client must before CTAP. */
export function stripAnnotations<T>(v: T): T {
  if (Array.isArray(v)) return v.map(stripAnnotations) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      if (!k.includes('@odata.')) out[k] = stripAnnotations(x);
    return out as T;
  }
  return v;
}

export function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

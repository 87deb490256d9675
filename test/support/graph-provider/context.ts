/** What the HTTP layers share: the clock, the tenants, the token signing key and the URLs. */
import type { IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { ProviderClock } from './clock';
import type { Tenant } from './state';

export interface ProviderContext {
  readonly clock: ProviderClock;
  readonly tenants: Map<string, Tenant>;
  /** Authority base URL, e.g. https://127.0.0.1:41234 (no trailing slash). */
  loginUrl: string;
  /** Graph base URL, e.g. https://127.0.0.1:41235 (no trailing slash). */
  graphUrl: string;
  readonly signingKey: KeyObject;
  readonly signingPublicKey: KeyObject;
  readonly signingKeyId: string;
  /** PEM of the test CA (for the JWKS x5c and for clients). */
  readonly caPem: string;
}

/** A tenant by id (GUID) or verified domain, case-insensitive. */
export function findTenant(ctx: ProviderContext, key: string): Tenant | undefined {
  const k = key.toLowerCase();
  const byId = ctx.tenants.get(k);
  if (byId) return byId;
  for (const t of ctx.tenants.values()) if (t.domain.toLowerCase() === k) return t;
  return undefined;
}

/** Resource identifiers a token may be asked for with `{resource}/.default` (Graph). */
export function graphResources(ctx: ProviderContext): string[] {
  return [ctx.graphUrl, 'https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'];
}

export interface RequestInfo {
  readonly method: string;
  /** Path without the query string (Graph: with the version, e.g. /v1.0/users/…). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless a string (then sent as is). */
  body?: unknown;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, headers };
}

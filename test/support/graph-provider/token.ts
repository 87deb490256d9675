/**
 * The authority host: OpenID configuration, JWKS, instance discovery and the v2.0 token
 * endpoint (client credentials with a client secret or a certificate-signed client
 * assertion), with errors in Entra ID's format (AADSTS codes, HTTP status as the service).
 */
import { X509Certificate, createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  findTenant,
  graphResources,
  json,
  type ProviderContext,
  type Reply,
  type RequestInfo,
} from './context';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt';
import type { AppRegistration, Tenant } from './state';

export const ACCESS_TOKEN_LIFETIME_S = 3599;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLOCK_SKEW_S = 300;

/** Route template of a login-host request (for the request log and faults), or null. */
export function loginEndpoint(method: string, path: string): string | null {
  const s = path.split('/').filter(Boolean);
  if (
    method === 'GET' &&
    s.length === 3 &&
    s[0] === 'common' &&
    s[1] === 'discovery' &&
    s[2] === 'instance'
  )
    return 'GET /common/discovery/instance';
  if (
    method === 'GET' &&
    s.length === 4 &&
    s[1] === 'v2.0' &&
    s[2] === '.well-known' &&
    s[3] === 'openid-configuration'
  )
    return 'GET /{tenant}/v2.0/.well-known/openid-configuration';
  if (
    method === 'GET' &&
    s.length === 4 &&
    s[1] === 'discovery' &&
    s[2] === 'v2.0' &&
    s[3] === 'keys'
  )
    return 'GET /{tenant}/discovery/v2.0/keys';
  if (
    method === 'POST' &&
    s.length === 4 &&
    s[1] === 'oauth2' &&
    s[2] === 'v2.0' &&
    s[3] === 'token'
  )
    return 'POST /{tenant}/oauth2/v2.0/token';
  return null;
}

function aadError(
  ctx: ProviderContext,
  req: RequestInfo,
  status: number,
  error: string,
  code: number,
  message: string,
): Reply {
  const traceId = randomUUID();
  const correlationId = String(req.headers['client-request-id'] ?? randomUUID());
  const ts = ctx.clock
    .iso()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${ts}`,
    error_codes: [code],
    timestamp: ts,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.loginUrl}/error?code=${code}`,
  });
}

function tenantNotFound(ctx: ProviderContext, req: RequestInfo, key: string, status = 400): Reply {
  return aadError(
    ctx,
    req,
    status,
    'invalid_tenant',
    90002,
    `Tenant '${key}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );
}

export function openIdConfiguration(ctx: ProviderContext, t: Tenant) {
  const base = `${ctx.loginUrl}/${t.id}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${ctx.loginUrl}/${t.id}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.graphUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'roles'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(ctx.loginUrl).host,
    cloud_graph_host_name: new URL(ctx.graphUrl).host,
    msgraph_host: new URL(ctx.graphUrl).host,
    rbac_url: ctx.graphUrl,
  };
}

export function handleLogin(ctx: ProviderContext, endpoint: string, req: RequestInfo): Reply {
  const segs = req.path.split('/').filter(Boolean);
  const host = new URL(ctx.loginUrl).host;
  if (endpoint === 'GET /common/discovery/instance') {
    return json(200, {
      tenant_discovery_endpoint: `${ctx.loginUrl}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  }
  const tenantKey = segs[0];
  const t = findTenant(ctx, tenantKey);
  if (endpoint === 'GET /{tenant}/v2.0/.well-known/openid-configuration') {
    if (!t) return tenantNotFound(ctx, req, tenantKey);
    return json(200, openIdConfiguration(ctx, t));
  }
  if (endpoint === 'GET /{tenant}/discovery/v2.0/keys') {
    if (!t) return tenantNotFound(ctx, req, tenantKey);
    const jwk = ctx.signingPublicKey.export({ format: 'jwk' });
    return json(200, {
      keys: [{ kty: 'RSA', use: 'sig', kid: ctx.signingKeyId, n: jwk.n, e: jwk.e }],
    });
  }
  return token(ctx, req, tenantKey, t);
}

function token(
  ctx: ProviderContext,
  req: RequestInfo,
  tenantKey: string,
  t: Tenant | undefined,
): Reply {
  const ctype = String(req.headers['content-type'] ?? '');
  if (!ctype.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return aadError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  const form = new URLSearchParams(req.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (!grantType)
    return aadError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  if (!t) return tenantNotFound(ctx, req, tenantKey);
  if (grantType !== 'client_credentials')
    return aadError(
      ctx,
      req,
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  // client_secret_basic: Authorization: Basic base64(id:secret)
  let clientId = form.get('client_id');
  let clientSecret = form.get('client_secret');
  const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
  if (basic) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId = clientId ?? decodeURIComponent(id);
    clientSecret = clientSecret ?? decodeURIComponent(rest.join(':'));
  }
  if (!clientId)
    return aadError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const app = t.apps.get(clientId.toLowerCase());
  if (!app)
    return aadError(
      ctx,
      req,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${t.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  const scope = form.get('scope');
  if (!scope)
    return aadError(
      ctx,
      req,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  const scopes = scope.split(' ').filter(Boolean);
  if (scopes.length !== 1 || !scopes[0].endsWith('/.default'))
    return aadError(
      ctx,
      req,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  const resource = scopes[0].slice(0, -'/.default'.length);
  if (!graphResources(ctx).includes(resource))
    return aadError(
      ctx,
      req,
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${t.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );

  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    const bad = checkAssertion(
      ctx,
      req,
      t,
      app,
      tenantKey,
      form.get('client_assertion_type'),
      assertion,
    );
    if (bad) return bad;
  } else if (clientSecret !== null) {
    const bad = checkSecret(ctx, req, app, clientSecret);
    if (bad) return bad;
  } else {
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  return json(200, {
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token: issueAccessToken(ctx, t, app, resource),
  });
}

function checkSecret(
  ctx: ProviderContext,
  req: RequestInfo,
  app: AppRegistration,
  secret: string,
): Reply | null {
  const given = Buffer.from(secret, 'utf8');
  const match = app.secrets.find((s) => {
    const v = Buffer.from(s.value, 'utf8');
    return v.length === given.length && timingSafeEqual(v, given);
  });
  if (!match)
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  if (match.endDateTime <= ctx.clock.now())
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app.`,
    );
  return null;
}

function checkAssertion(
  ctx: ProviderContext,
  req: RequestInfo,
  t: Tenant,
  app: AppRegistration,
  tenantKey: string,
  assertionType: string | null,
  assertion: string,
): Reply | null {
  const malformed = (why: string) =>
    aadError(ctx, req, 401, 'invalid_client', 50027, `JWT token is invalid or malformed. ${why}`);
  if (assertionType !== ASSERTION_TYPE)
    return aadError(
      ctx,
      req,
      400,
      'invalid_request',
      90014,
      "The request body must contain the following parameter: 'client_assertion_type'.",
    );
  const jwt = decodeJwt(assertion);
  if (!jwt) return malformed('The client assertion is not a compact JWS.');
  const alg = jwt.header.alg;
  if (alg !== 'RS256' && alg !== 'PS256')
    return malformed(`Unsupported signing algorithm '${String(alg)}'.`);
  const x5t = typeof jwt.header.x5t === 'string' ? jwt.header.x5t : undefined;
  const x5tS256 =
    typeof jwt.header['x5t#S256'] === 'string' ? (jwt.header['x5t#S256'] as string) : undefined;
  const hex = (b64u: string) => Buffer.from(b64u, 'base64url').toString('hex').toUpperCase();
  const cert = app.certificates.find(
    (c) =>
      (x5t && hex(x5t) === c.thumbprintSha1) || (x5tS256 && hex(x5tS256) === c.thumbprintSha256),
  );
  const keyId = x5tS256 ?? x5t ?? '(none)';
  if (!cert)
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t ? hex(x5t) : keyId}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.appId}'.]`,
    );
  const publicKey = new X509Certificate(cert.certPem).publicKey;
  if (!verifyJwtSignature(jwt, publicKey))
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      700027,
      'Client assertion failed signature validation.',
    );
  const p = jwt.payload;
  if (p.iss !== app.appId || p.sub !== app.appId)
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  const accepted = new Set(
    [t.id, t.domain, tenantKey].map((k) => `${ctx.loginUrl}/${k}/oauth2/v2.0/token`.toLowerCase()),
  );
  const aud = Array.isArray(p.aud) ? p.aud : [p.aud];
  if (!aud.some((a) => typeof a === 'string' && accepted.has(a.toLowerCase())))
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      700023,
      'Client assertion audience claim does not match Realm issuer.',
    );
  const now = Math.floor(ctx.clock.now() / 1000);
  if (
    typeof p.exp !== 'number' ||
    p.exp + CLOCK_SKEW_S < now ||
    (typeof p.nbf === 'number' && p.nbf - CLOCK_SKEW_S > now)
  )
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      700024,
      'Client assertion is not within its valid time range.',
    );
  if (cert.endDateTime <= ctx.clock.now())
    return aadError(
      ctx,
      req,
      401,
      'invalid_client',
      700027,
      'Client assertion contains an invalid signature. [Reason - The key used is expired.]',
    );
  return null;
}

function issueAccessToken(
  ctx: ProviderContext,
  t: Tenant,
  app: AppRegistration,
  resource: string,
): string {
  const now = Math.floor(ctx.clock.now() / 1000);
  const payload: Record<string, unknown> = {
    aud:
      resource === '00000003-0000-0000-c000-000000000000'
        ? 'https://graph.microsoft.com'
        : resource,
    iss: `https://sts.windows.net/${t.id}/`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_S,
    app_displayname: app.displayName,
    appid: app.appId,
    appidacr: app.certificates.length ? '2' : '1',
    idtyp: 'app',
    oid: app.servicePrincipalId,
    sub: app.servicePrincipalId,
    tid: t.id,
    uti: createHash('sha256').update(randomUUID()).digest('base64url').slice(0, 22),
    ver: '1.0',
  };
  if (app.roles.size) payload.roles = [...app.roles].sort();
  if (app.directoryRoles.size) payload.wids = [...app.directoryRoles].sort();
  return signJwt({ typ: 'JWT', alg: 'RS256', kid: ctx.signingKeyId }, payload, ctx.signingKey);
}

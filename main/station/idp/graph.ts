/**
 * Microsoft Graph (Microsoft Entra ID) behind the IdentityProvider interface (docs/IDP.md).
 *
 * Tokens: OAuth 2.0 client credentials through @azure/msal-node's ConfidentialClientApplication,
 * with a client secret or a certificate assertion; kept in MSAL's in-memory cache only. The
 * authority and Graph hosts are settings (national clouds, the test provider); MSAL is given the
 * authority's metadata and `knownAuthorities`, so it never asks the public cloud for instance
 * discovery (which fails for any other host and offline). Its HTTP goes through our transport, so
 * a private CA applies to tokens and Graph alike. Nothing here logs a token, secret or body.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import {
  ConfidentialClientApplication,
  LogLevel,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { HttpTransport, NetworkError, retryAfterSeconds, type HttpReply } from './http';
import type {
  ConnectionCheck,
  ConnectionProblem,
  HardwareOathOutcome,
  HardwareOathToken,
  IdentityProvider,
  IssuedCreationOptions,
  ProviderMethod,
  ProviderMethodType,
  ProviderReply,
  ProviderRequest,
  ProviderUser,
} from './types';

export type GraphCredential =
  | { readonly kind: 'secret'; readonly secret: string }
  | {
      readonly kind: 'certificate';
      readonly privateKeyPem: string;
      readonly certificatePem: string;
    };

export interface GraphSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: GraphCredential;
  /** Origin of the authority, e.g. https://login.microsoftonline.com (public cloud). */
  readonly authorityOrigin: string;
  /** Origin of Graph, e.g. https://graph.microsoft.com. */
  readonly graphOrigin: string;
  /** Extra trust anchors (PEM) for both hosts. */
  readonly ca?: string;
  readonly timeoutMs?: number;
  /** Waits `ms` (throttled reads during a pull); tests inject a clock-driven one. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export const PUBLIC_CLOUD = {
  authorityHost: 'login.microsoftonline.com',
  graphHost: 'graph.microsoft.com',
} as const;

/** The least-privileged application permission each feature needs (docs/IDP.md). */
export const PERMISSIONS = {
  groupRead: 'GroupMember.Read.All',
  methodsRead: 'UserAuthenticationMethod.Read.All',
  methodsWrite: 'UserAuthenticationMethod.ReadWrite.All',
  passkeyWrite: 'UserAuthMethod-Passkey.ReadWrite.All',
  /** The tenant's hardware OATH inventory (beta authenticationMethodDevices). */
  oathDevices: 'Policy.ReadWrite.AuthenticationMethod',
  /** Assign and activate a hardware OATH token for another user (beta, application). */
  oathAssign: 'UserAuthenticationMethod.ReadWrite.All',
} as const;

const OATH_DEVICES = '/beta/directory/authenticationMethodDevices/hardwareOathDevices';

const TYPE_BY_ODATA: Record<string, ProviderMethodType> = {
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticator',
  '#microsoft.graph.phoneAuthenticationMethod': 'phone',
  '#microsoft.graph.emailAuthenticationMethod': 'email',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOath',
  '#microsoft.graph.hardwareOathAuthenticationMethod': 'hardwareOath',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPass',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusiness',
  '#microsoft.graph.passwordAuthenticationMethod': 'password',
};

/** The collection each deletable type lives in (`DELETE /users/{id}/authentication/{segment}/{id}`). */
export const METHOD_SEGMENT: Partial<Record<ProviderMethodType, string>> = {
  fido2: 'fido2Methods',
  microsoftAuthenticator: 'microsoftAuthenticatorMethods',
  phone: 'phoneMethods',
  email: 'emailMethods',
  softwareOath: 'softwareOathMethods',
  hardwareOath: 'hardwareOathMethods',
  temporaryAccessPass: 'temporaryAccessPassMethods',
  windowsHelloForBusiness: 'windowsHelloForBusinessMethods',
};

/** The least-privileged permission that writes (and deletes) each type (docs/IDP.md). */
const WRITE_PERMISSION: Record<ProviderMethodType, string> = {
  fido2: 'UserAuthMethod-Passkey.ReadWrite.All',
  microsoftAuthenticator: 'UserAuthMethod-MicrosoftAuthApp.ReadWrite.All',
  phone: 'UserAuthMethod-Phone.ReadWrite.All',
  email: 'UserAuthMethod-Email.ReadWrite.All',
  softwareOath: 'UserAuthMethod-SoftwareOATH.ReadWrite.All',
  hardwareOath: PERMISSIONS.oathAssign,
  temporaryAccessPass: 'UserAuthMethod-TAP.ReadWrite.All',
  windowsHelloForBusiness: 'UserAuthMethod-WindowsHello.ReadWrite.All',
  password: 'User-PasswordProfile.ReadWrite.All',
  other: 'UserAuthenticationMethod.ReadWrite.All',
};

/** The method type a request's path writes (`…/authentication/phoneMethods…` → phone). */
function typeOfPath(path: string): ProviderMethodType {
  const segment = /\/authentication\/([A-Za-z0-9]+)/.exec(path)?.[1];
  for (const [type, seg] of Object.entries(METHOD_SEGMENT))
    if (seg === segment) return type as ProviderMethodType;
  return /^\/(v1\.0|beta)\/users\/[^/]+$/.test(path) ? 'password' : 'other';
}

/** The permission a write to this path needs (named when Graph answers 403). */
function permissionOfPath(path: string): string {
  if (path.startsWith(OATH_DEVICES)) return PERMISSIONS.oathDevices;
  return WRITE_PERMISSION[typeOfPath(path)];
}

/** Digits only, for comparing phone numbers written differently ("+46 70…" / "+4670…"). */
function digits(v: string): string {
  return v.replace(/\D/g, '');
}

const USER_SELECT = 'id,userPrincipalName,displayName,mail,mobilePhone,accountEnabled';
const BATCH_LIMIT = 20; // Graph JSON batching takes at most 20 requests

/** Removes every OData annotation (`@odata.type`, `x@odata.type`, …) at any depth (DESIGN.md §7). */
export function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('@odata.') || k.startsWith('@')) continue;
      out[k] = stripAnnotations(v);
    }
    return out;
  }
  return value;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** A Graph method resource as the station shows it. Unknown types are kept as "other". */
export function toProviderMethod(raw: unknown): ProviderMethod | null {
  const m = obj(raw);
  const id = str(m.id);
  if (!id) return null;
  const type = TYPE_BY_ODATA[str(m['@odata.type'])] ?? 'other';
  const createdAt = str(m.createdDateTime) || null;
  switch (type) {
    case 'fido2':
      return {
        id,
        type,
        label: str(m.displayName) || str(m.model),
        detail: str(m.model),
        createdAt,
        data: {
          aaguid: str(m.aaGuid).toLowerCase(),
          model: str(m.model),
          attestationLevel: str(m.attestationLevel),
        },
      };
    case 'microsoftAuthenticator':
      return {
        id,
        type,
        label: str(m.displayName),
        detail: str(m.deviceTag),
        createdAt,
        data: {
          deviceName: str(m.displayName),
          deviceTag: str(m.deviceTag),
          appVersion: str(m.phoneAppVersion),
        },
      };
    case 'phone':
      return {
        id,
        type,
        label: str(m.phoneType),
        detail: str(m.phoneNumber),
        createdAt,
        data: { phoneType: str(m.phoneType), phoneNumber: str(m.phoneNumber) },
      };
    case 'email':
      return {
        id,
        type,
        label: str(m.emailAddress),
        detail: str(m.emailAddress),
        createdAt,
        data: { emailAddress: str(m.emailAddress) },
      };
    case 'hardwareOath': {
      const device = obj(m.device);
      return {
        id,
        type,
        label: str(m.displayName) || str(device.serialNumber),
        detail: str(device.serialNumber),
        createdAt,
        data: {
          serialNumber: str(device.serialNumber),
          manufacturer: str(device.manufacturer),
          model: str(device.model),
        },
      };
    }
    case 'temporaryAccessPass':
      return {
        id,
        type,
        label: '',
        detail: str(m.methodUsabilityReason),
        createdAt,
        data: {
          startDateTime: str(m.startDateTime),
          lifetimeInMinutes: typeof m.lifetimeInMinutes === 'number' ? m.lifetimeInMinutes : null,
          isUsableOnce: m.isUsableOnce === true,
          isUsable: m.isUsable === true,
        },
      };
    case 'windowsHelloForBusiness':
      return {
        id,
        type,
        label: str(m.displayName),
        detail: str(m.keyStrength),
        createdAt,
        data: { keyStrength: str(m.keyStrength) },
      };
    default:
      return {
        id,
        type,
        label: str(m.displayName),
        detail: '',
        createdAt,
        data: type === 'other' ? { odataType: str(m['@odata.type']) } : {},
      };
  }
}

/** MSAL's HTTP through our transport (private CA, timeouts), remembering the last network error. */
class MsalNetwork implements INetworkModule {
  lastNetworkError: NetworkError | null = null;
  constructor(private readonly http: HttpTransport) {}

  private async send<T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    let reply: HttpReply;
    try {
      reply = await this.http.request(method, url, {
        headers: options?.headers,
        body: options?.body,
      });
    } catch (e) {
      if (e instanceof NetworkError) this.lastNetworkError = e;
      throw e;
    }
    return {
      headers: reply.headers,
      body: (parseJson(reply.text) ?? {}) as T,
      status: reply.status,
    };
  }

  sendGetRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }
}

const UNTRUSTED_TLS = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkProblem(e: NetworkError): ConnectionProblem {
  return UNTRUSTED_TLS.has(e.detail)
    ? { code: 'idp.untrustedCertificate' }
    : { code: 'idp.noNetwork', detail: e.detail };
}

/** A token failure in the operator's words (AADSTS codes from the Microsoft identity platform). */
export function tokenProblem(e: unknown, network: NetworkError | null): ConnectionProblem {
  if (e instanceof NetworkError) return networkProblem(e);
  if (network) return networkProblem(network);
  const err = obj(e);
  const text = `${str(err.errorCode)} ${str(err.errorMessage)} ${e instanceof Error ? e.message : ''}`;
  if (/AADSTS90002\b|AADSTS900023\b|AADSTS90013\b|tenant.*not found/i.test(text))
    return { code: 'idp.unknownTenant' };
  if (/AADSTS700016\b/.test(text)) return { code: 'idp.unknownApp' };
  if (/AADSTS7000215\b|AADSTS7000222\b|AADSTS700027\b|AADSTS700023\b|invalid_client/i.test(text))
    return { code: 'idp.badCredential' };
  if (/network|ECONN|ENOTFOUND|EAI_AGAIN|timeout/i.test(text))
    return { code: 'idp.noNetwork', detail: 'network' };
  return { code: 'idp.providerError', detail: str(err.errorCode) || 'token' };
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly problem: ConnectionProblem) {
    super(problem.code);
  }
}

/** A Graph reply that was not what a read needed. */
export class GraphReadError extends Error {
  override readonly name = 'GraphReadError';
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`graph ${status} ${code}`);
  }
}

function pemToDer(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

export class GraphProvider implements IdentityProvider {
  readonly kind = 'graph';
  private readonly http: HttpTransport;
  private readonly network: MsalNetwork;
  private readonly msal: ConfidentialClientApplication;
  private readonly scope: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private count = 0;

  constructor(private readonly settings: GraphSettings) {
    this.http = new HttpTransport({ ca: settings.ca, timeoutMs: settings.timeoutMs });
    this.network = new MsalNetwork(this.http);
    this.sleep = settings.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const authority = `${settings.authorityOrigin}/${encodeURIComponent(settings.tenantId)}`;
    const authorityHost = new URL(settings.authorityOrigin).host;
    // The authority's OpenID metadata, given rather than fetched: the token endpoint is all the
    // client-credentials flow uses.
    const authorityMetadata = JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    });
    const cloudDiscoveryMetadata = JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        {
          preferred_network: authorityHost,
          preferred_cache: authorityHost,
          aliases: [authorityHost],
        },
      ],
    });
    const c = settings.credential;
    const auth: Configuration['auth'] = {
      clientId: settings.clientId,
      authority,
      knownAuthorities: [authorityHost],
      authorityMetadata,
      cloudDiscoveryMetadata,
    };
    if (c.kind === 'secret') {
      auth.clientSecret = c.secret;
    } else {
      const der = pemToDer(c.certificatePem);
      auth.clientCertificate = {
        thumbprintSha256: createHash('sha256').update(der).digest('hex'),
        // MSAL wants PKCS#8; an RSA/EC key in another PEM form is converted, never written out.
        privateKey: createPrivateKey(c.privateKeyPem)
          .export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        x5c: c.certificatePem,
      };
    }
    this.msal = new ConfidentialClientApplication({
      auth,
      system: {
        networkClient: this.network,
        // No token, secret or PII in any log line, ever.
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Error,
          loggerCallback: () => undefined,
        },
      },
    });
    this.scope = `${settings.graphOrigin}/.default`;
  }

  get requestCount(): number {
    return this.count;
  }

  /** Set by a 401 or 403 from Graph: the next call asks for a new token, not the cached one. */
  private staleToken = false;

  private async token(): Promise<string> {
    this.network.lastNetworkError = null;
    const skipCache = this.staleToken;
    this.staleToken = false;
    try {
      const r = await this.msal.acquireTokenByClientCredential({
        scopes: [this.scope],
        skipCache,
      });
      if (!r?.accessToken) throw new TokenError({ code: 'idp.providerError', detail: 'noToken' });
      return r.accessToken;
    } catch (e) {
      if (e instanceof TokenError) throw e;
      throw new TokenError(tokenProblem(e, this.network.lastNetworkError));
    }
  }

  /** One Graph call: token, JSON, counted. `pathOrUrl` is a path or an absolute nextLink. */
  private async call(
    method: string,
    pathOrUrl: string,
    body?: unknown,
  ): Promise<{ status: number; headers: Record<string, string>; json: unknown }> {
    const token = await this.token();
    const url =
      pathOrUrl.startsWith('https://') || pathOrUrl.startsWith('http://')
        ? pathOrUrl
        : `${this.settings.graphOrigin}${pathOrUrl}`;
    // A nextLink must stay on the configured Graph host (no token to anyone else).
    if (new URL(url).origin !== new URL(this.settings.graphOrigin).origin)
      throw new GraphReadError(0, 'foreignLink');
    this.count++;
    const reply = await this.http.request(method, url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    // Refused or expired token, or a permission granted since: the next call takes a new one.
    if (reply.status === 401 || reply.status === 403) this.staleToken = true;
    return { status: reply.status, headers: reply.headers, json: parseJson(reply.text) };
  }

  /** A read that waits out throttling (Retry-After) and fails with the Graph error otherwise. */
  private async read(pathOrUrl: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.call('GET', pathOrUrl);
      if (r.status >= 200 && r.status < 300) return r.json;
      if ((r.status === 429 || r.status === 503 || r.status >= 500) && attempt < 6) {
        const s = retryAfterSeconds(r.headers, new Date()) ?? Math.min(2 ** attempt, 30);
        await this.sleep(s * 1000);
        continue;
      }
      throw new GraphReadError(r.status, str(obj(obj(r.json).error).code));
    }
  }

  async testConnection(groupId: string): Promise<ConnectionCheck> {
    const checks: Record<string, boolean> = { token: false, group: false, methods: false };
    try {
      await this.token();
      checks.token = true;
      let someone: string | null = null;
      if (groupId) {
        const page = obj(
          await this.read(
            `/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$top=1`,
          ),
        );
        checks.group = true;
        someone = str(obj((page.value as unknown[] | undefined)?.[0]).id) || null;
      }
      if (someone) {
        await this.read(`/v1.0/users/${encodeURIComponent(someone)}/authentication/methods`);
        checks.methods = true;
      }
      return { ok: true, checks };
    } catch (e) {
      return { ok: false, checks, problem: this.problemOf(e, checks) };
    }
  }

  private problemOf(e: unknown, checks: Record<string, boolean>): ConnectionProblem {
    if (e instanceof TokenError) return e.problem;
    if (e instanceof NetworkError) return networkProblem(e);
    if (e instanceof GraphReadError) {
      if (e.status === 403 || e.status === 401)
        return {
          code: 'idp.missingPermission',
          permission: checks.group ? PERMISSIONS.methodsRead : PERMISSIONS.groupRead,
        };
      if (e.status === 404 && !checks.group) return { code: 'idp.groupNotFound' };
      return { code: 'idp.providerError', detail: `${e.status} ${e.code}`.trim() };
    }
    return { code: 'idp.providerError', detail: 'unknown' };
  }

  async *groupMembers(groupId: string): AsyncIterable<readonly ProviderUser[]> {
    let next: string | null =
      `/v1.0/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=${USER_SELECT}&$top=999`;
    while (next) {
      const page = obj(await this.read(next));
      const users = ((page.value as unknown[] | undefined) ?? [])
        .map((u) => obj(u))
        .filter((u) => str(u.id) && str(u.userPrincipalName))
        .map((u): ProviderUser => ({
          id: str(u.id),
          upn: str(u.userPrincipalName),
          displayName: str(u.displayName) || str(u.userPrincipalName),
          department: str(u.department),
          mail: str(u.mail),
          mobile: str(u.mobilePhone),
          enabled: u.accountEnabled !== false,
        }));
      yield users;
      next = str(page['@odata.nextLink']) || null;
    }
  }

  private async methodsOfOne(userId: string): Promise<ProviderMethod[]> {
    const out: ProviderMethod[] = [];
    let next: string | null = `/beta/users/${encodeURIComponent(userId)}/authentication/methods`;
    while (next) {
      const page = obj(await this.read(next));
      for (const m of (page.value as unknown[] | undefined) ?? []) {
        const pm = toProviderMethod(m);
        if (pm) out.push(pm);
      }
      next = str(page['@odata.nextLink']) || null;
    }
    return out;
  }

  /**
   * Reads methods 20 users per JSON batch; throttled or paged answers are read again one by one.
   * Graph beta, the only version whose list includes hardware OATH tokens (the other kinds read
   * the same there).
   */
  async methodsOf(userIds: readonly string[]): Promise<Map<string, ProviderMethod[]>> {
    const out = new Map<string, ProviderMethod[]>();
    for (let i = 0; i < userIds.length; i += BATCH_LIMIT) {
      const chunk = userIds.slice(i, i + BATCH_LIMIT);
      const again: string[] = [];
      let r;
      for (let attempt = 0; ; attempt++) {
        // beta: v1.0's list leaves out hardware OATH tokens, which people here may hold.
        r = await this.call('POST', '/beta/$batch', {
          requests: chunk.map((id, n) => ({
            id: String(n),
            method: 'GET',
            url: `/users/${encodeURIComponent(id)}/authentication/methods`,
          })),
        });
        if ((r.status === 429 || r.status === 503) && attempt < 6) {
          await this.sleep((retryAfterSeconds(r.headers, new Date()) ?? 2 ** attempt) * 1000);
          continue;
        }
        break;
      }
      if (r.status < 200 || r.status >= 300) {
        again.push(...chunk); // no batching here: one request per person
      } else {
        for (const resp of (obj(r.json).responses as unknown[] | undefined) ?? []) {
          const rr = obj(resp);
          const userId = chunk[Number(str(rr.id))];
          if (userId === undefined) continue;
          const body = obj(rr.body);
          if (rr.status === 200 && !str(body['@odata.nextLink'])) {
            const methods: ProviderMethod[] = [];
            for (const m of (body.value as unknown[] | undefined) ?? []) {
              const pm = toProviderMethod(m);
              if (pm) methods.push(pm);
            }
            out.set(userId, methods);
          } else {
            again.push(userId);
          }
        }
        for (const id of chunk) if (!out.has(id) && !again.includes(id)) again.push(id);
      }
      for (const id of again) {
        try {
          out.set(id, await this.methodsOfOne(id));
        } catch (e) {
          if (e instanceof TokenError || e instanceof NetworkError) throw e;
          // This person's methods could not be read (e.g. 403/404); the others still are.
        }
      }
    }
    return out;
  }

  async creationOptions(userId: string, timeoutMinutes: number): Promise<IssuedCreationOptions> {
    const minutes = Math.min(43_200, Math.max(5, Math.round(timeoutMinutes)));
    const json = obj(
      await this.read(
        `/beta/users/${encodeURIComponent(userId)}/authentication/fido2Methods/creationOptions(challengeTimeoutInMinutes=${minutes})`,
      ),
    );
    // Beta wraps the options in `value`; v1.0 answers them at the top level.
    const body = obj(json.publicKey ? json : json.value);
    const publicKey = obj(stripAnnotations(body.publicKey));
    const expiresAt = str(body.challengeTimeoutDateTime);
    if (!str(publicKey.challenge) || !expiresAt || Number.isNaN(Date.parse(expiresAt)))
      throw new GraphReadError(200, 'badCreationOptions');
    return { expiresAt: new Date(expiresAt).toISOString(), publicKey };
  }

  fido2Registration(
    userId: string,
    displayName: string,
    reg: {
      id: string;
      clientDataJSON: string;
      attestationObject: string;
      clientExtensionResults: unknown;
    },
  ): ProviderRequest {
    return {
      method: 'POST',
      path: `/beta/users/${encodeURIComponent(userId)}/authentication/fido2Methods`,
      body: {
        displayName,
        publicKeyCredential: {
          id: reg.id,
          response: {
            clientDataJSON: reg.clientDataJSON,
            attestationObject: reg.attestationObject,
          },
          clientExtensionResults: reg.clientExtensionResults ?? {},
        },
      },
    };
  }

  phoneRegistration(
    userId: string,
    e164: string,
    phoneType: 'mobile' | 'alternateMobile' | 'office',
  ): ProviderRequest {
    return {
      method: 'POST',
      path: `/v1.0/users/${encodeURIComponent(userId)}/authentication/phoneMethods`,
      body: { phoneNumber: graphPhoneNumber(e164), phoneType },
    };
  }

  emailRegistration(userId: string, address: string): ProviderRequest {
    return {
      method: 'POST',
      path: `/v1.0/users/${encodeURIComponent(userId)}/authentication/emailMethods`,
      body: { emailAddress: address },
    };
  }

  /** Graph: PATCH /users/{id} {passwordProfile} (User-PasswordProfile.ReadWrite.All + an Entra role). */
  passwordChange(
    userId: string,
    password: string,
    forceChangeNextSignIn: boolean,
  ): ProviderRequest {
    return {
      method: 'PATCH',
      path: `/v1.0/users/${encodeURIComponent(userId)}`,
      body: { passwordProfile: { password, forceChangePasswordNextSignIn: forceChangeNextSignIn } },
    };
  }

  deletion(userId: string, type: ProviderMethodType, providerMethodId: string): ProviderRequest {
    const segment = METHOD_SEGMENT[type];
    if (!segment) throw new GraphReadError(0, 'notDeletable');
    // Hardware OATH methods are in Graph's beta only.
    const version = type === 'hardwareOath' ? 'beta' : 'v1.0';
    return {
      method: 'DELETE',
      path: `/${version}/users/${encodeURIComponent(userId)}/authentication/${segment}/${encodeURIComponent(providerMethodId)}`,
      body: null,
    };
  }

  /** Graph beta: POST /directory/authenticationMethodDevices/hardwareOathDevices (no secret yet). */
  hardwareOathRegistration(token: HardwareOathToken): ProviderRequest {
    return {
      method: 'POST',
      path: OATH_DEVICES,
      body: {
        displayName: token.displayName,
        serialNumber: token.serialNumber,
        manufacturer: token.manufacturer,
        model: token.model,
        timeIntervalInSeconds: token.timeIntervalInSeconds,
        hashFunction: 'hmacsha1',
      },
    };
  }

  /** A read for one hardware OATH step: its JSON, or the reply that says why not. */
  private async oathRead(
    path: string,
    permission: string,
  ): Promise<{ json: unknown } | { reply: ProviderReply }> {
    try {
      return { json: await this.read(path) };
    } catch (e) {
      if (e instanceof NetworkError)
        return {
          reply: e.mayHaveArrived
            ? { kind: 'lost', detail: e.detail }
            : { kind: 'stopped', problem: networkProblem(e) },
        };
      if (e instanceof TokenError) return { reply: { kind: 'stopped', problem: e.problem } };
      if (e instanceof GraphReadError) {
        if (e.status === 403)
          return {
            reply: { kind: 'stopped', problem: { code: 'idp.missingPermission', permission } },
          };
        if (e.status === 429 || e.status === 503)
          return { reply: { kind: 'throttled', status: e.status, retryAfterSeconds: null } };
        if (e.status >= 500 || e.status === 401)
          return { reply: { kind: 'serverError', status: e.status, message: e.code } };
        return { reply: { kind: 'rejected', status: e.status, code: e.code, message: '' } };
      }
      throw e;
    }
  }

  /** The provider's device with this serial number (its inventory is tenant-wide), or null. */
  private async oathDevice(
    serialNumber: string,
    manufacturer: string,
  ): Promise<{ device: Record<string, unknown> | null } | { reply: ProviderReply }> {
    const filter = `serialNumber eq '${serialNumber.replace(/'/g, "''")}'`;
    const r = await this.oathRead(
      `${OATH_DEVICES}?$filter=${encodeURIComponent(filter)}`,
      PERMISSIONS.oathDevices,
    );
    if ('reply' in r) return r;
    const list = ((obj(r.json).value as unknown[] | undefined) ?? [])
      .map((d) => obj(d))
      .filter((d) => str(d.serialNumber) === serialNumber);
    return {
      device: list.find((d) => str(d.manufacturer) === manufacturer) ?? list[0] ?? null,
    };
  }

  async registerHardwareOath(
    userId: string,
    token: HardwareOathToken & { readonly secretKey: string },
    codeNow: () => string,
  ): Promise<HardwareOathOutcome> {
    const user = `/beta/users/${encodeURIComponent(userId)}/authentication/hardwareOathMethods`;
    // 1. The device: the administrator may have loaded the vendor's file into the tenant already.
    let seen = await this.oathDevice(token.serialNumber, token.manufacturer);
    if ('reply' in seen) return { kind: 'stalled', step: 'device', reply: seen.reply };
    let device = seen.device;
    if (!device) {
      const create = this.hardwareOathRegistration(token);
      const reply = await this.send({
        ...create,
        body: { ...obj(create.body), secretKey: token.secretKey },
      });
      if (reply.kind === 'ok') device = obj(reply.json);
      else if (reply.kind !== 'conflict') return { kind: 'stalled', step: 'device', reply };
      else {
        seen = await this.oathDevice(token.serialNumber, token.manufacturer);
        if ('reply' in seen) return { kind: 'stalled', step: 'device', reply: seen.reply };
        device = seen.device;
        if (!device)
          return {
            kind: 'stalled',
            step: 'device',
            reply: { kind: 'rejected', status: 409, code: 'conflict', message: 'serial number' },
          };
      }
    }
    const deviceId = str(device.id);
    // 2. Assigned to this person (and to nobody else).
    const assignee = str(obj(device.assignedTo).id);
    if (assignee && assignee.toLowerCase() !== userId.toLowerCase())
      return {
        kind: 'stalled',
        step: 'assign',
        reply: {
          kind: 'rejected',
          status: 409,
          code: 'assignedToAnotherUser',
          message: 'The provider has this token assigned to another person.',
        },
      };
    if (!assignee) {
      const reply = await this.send({
        method: 'POST',
        path: user,
        body: { device: { id: deviceId } },
      });
      if (reply.kind !== 'ok' && reply.kind !== 'conflict')
        return { kind: 'stalled', step: 'assign', reply };
    }
    // 3. Activated with the token's current code.
    if (str(device.status) !== 'activated') {
      const reply = await this.send({
        method: 'POST',
        path: `${user}/${encodeURIComponent(deviceId)}/activate`,
        body: { verificationCode: codeNow(), displayName: token.displayName },
      });
      if (reply.kind !== 'ok') return { kind: 'stalled', step: 'activate', reply };
    }
    // 4. Confirmed once the person's methods list it, activated.
    const listed = await this.oathRead(user, PERMISSIONS.oathAssign);
    if ('reply' in listed) return { kind: 'stalled', step: 'confirm', reply: listed.reply };
    const method = ((obj(listed.json).value as unknown[] | undefined) ?? [])
      .map((m) => obj(m))
      .find(
        (m) =>
          str(obj(m.device).id) === deviceId ||
          str(obj(m.device).serialNumber) === token.serialNumber,
      );
    if (!method || str(obj(method.device).status) !== 'activated')
      return {
        kind: 'stalled',
        step: 'confirm',
        reply: { kind: 'serverError', status: 200, message: 'not listed as activated yet' },
      };
    return { kind: 'confirmed', methodId: str(method.id), deviceId };
  }

  async send(request: ProviderRequest): Promise<ProviderReply> {
    let r;
    try {
      r = await this.call(
        request.method,
        request.path,
        request.method === 'DELETE' ? undefined : request.body,
      );
    } catch (e) {
      if (e instanceof NetworkError) {
        return e.mayHaveArrived
          ? { kind: 'lost', detail: e.detail }
          : { kind: 'stopped', problem: networkProblem(e) };
      }
      if (e instanceof TokenError) return { kind: 'stopped', problem: e.problem };
      throw e;
    }
    const err = obj(obj(r.json).error);
    if (r.status >= 200 && r.status < 300) return { kind: 'ok', status: r.status, json: r.json };
    // Graph answers 403 Authorization_RequestDenied before it acts: nothing was changed.
    if (r.status === 403)
      return {
        kind: 'stopped',
        problem: {
          code: 'idp.missingPermission',
          permission: permissionOfPath(request.path),
        },
      };
    // An expired or refused token: nothing was changed; the next try takes a new token.
    if (r.status === 401) return { kind: 'serverError', status: 401, message: str(err.code) };
    if (r.status === 404 && request.method === 'DELETE') return { kind: 'gone' };
    if (r.status === 409) return { kind: 'conflict', message: str(err.message) };
    if (r.status === 429 || r.status === 503)
      return {
        kind: 'throttled',
        status: r.status,
        retryAfterSeconds: retryAfterSeconds(r.headers, new Date()),
      };
    if (r.status >= 500) return { kind: 'serverError', status: r.status, message: str(err.code) };
    return { kind: 'rejected', status: r.status, code: str(err.code), message: str(err.message) };
  }

  writePermission(type: ProviderMethodType): string {
    return WRITE_PERMISSION[type];
  }

  createdId(reply: unknown): string | null {
    return str(obj(reply).id) || null;
  }

  /**
   * Graph lists a person's FIDO2 methods without their credential ids, but the creation options
   * list every registered credential id in `excludeCredentials`: a key is at the provider when its
   * id is there. Its method id is then the newest FIDO2 method with the same display name.
   */
  async lookup(
    request: ProviderRequest,
    match: Readonly<Record<string, string>>,
  ): Promise<{ found: string | null } | { unreachable: ProviderReply }> {
    try {
      if (match.credentialId) {
        const base = request.path.replace(/^\/(v1\.0|beta)\//, '/v1.0/');
        const opts = obj(await this.read(`${base}/creationOptions`));
        const pk = obj(obj(opts.publicKey ? opts : opts.value).publicKey);
        const ids = ((pk.excludeCredentials as unknown[] | undefined) ?? []).map((c) =>
          str(obj(c).id),
        );
        if (!ids.includes(match.credentialId)) return { found: null };
        const body = obj(request.body);
        const list = ((obj(await this.read(base)).value as unknown[] | undefined) ?? [])
          .map((m) => obj(m))
          .filter((m) => str(m.displayName) === str(body.displayName))
          .sort((a, b) => str(b.createdDateTime).localeCompare(str(a.createdDateTime)));
        return { found: str(list[0]?.id) || 'unknown' };
      }
      const list = obj(await this.read(request.path));
      const body = obj(request.body);
      for (const raw of (list.value as unknown[] | undefined) ?? []) {
        const m = obj(raw);
        const id = str(m.id);
        if (!id) continue;
        // The provider holds one number per phone type: it is ours only when the number matches.
        if (
          match.phoneType &&
          str(m.phoneType) === match.phoneType &&
          digits(str(m.phoneNumber)) === digits(str(body.phoneNumber))
        )
          return { found: id };
        if (
          match.emailAddress &&
          str(m.emailAddress).toLowerCase() === match.emailAddress.toLowerCase()
        )
          return { found: id };
      }
      return { found: null };
    } catch (e) {
      if (e instanceof NetworkError)
        return { unreachable: { kind: 'stopped', problem: networkProblem(e) } };
      if (e instanceof GraphReadError && e.status === 403)
        return {
          unreachable: {
            kind: 'stopped',
            problem: {
              code: 'idp.missingPermission',
              permission: permissionOfPath(request.path),
            },
          },
        };
      if (e instanceof GraphReadError)
        return { unreachable: { kind: 'serverError', status: e.status, message: e.code } };
      if (e instanceof TokenError) return { unreachable: { kind: 'stopped', problem: e.problem } };
      throw e;
    }
  }

  async issueTemporaryAccessPass(
    userId: string,
    opts: { lifetimeMinutes: number; oneTime: boolean },
  ): Promise<{ pass: string; expiresAt: string; oneTime: boolean; id: string }> {
    const r = await this.send({
      method: 'POST',
      path: `/v1.0/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`,
      body: { lifetimeInMinutes: opts.lifetimeMinutes, isUsableOnce: opts.oneTime },
    });
    if (r.kind === 'stopped') throw new TokenError(r.problem);
    if (r.kind !== 'ok') throw new GraphReadError(r.kind === 'rejected' ? r.status : 0, r.kind);
    const j = obj(r.json);
    const pass = str(j.temporaryAccessPass);
    if (!pass) throw new GraphReadError(r.status, 'noPass');
    const start = Date.parse(str(j.startDateTime) || str(j.createdDateTime)) || Date.now();
    const lifetime =
      typeof j.lifetimeInMinutes === 'number' ? j.lifetimeInMinutes : opts.lifetimeMinutes;
    return {
      pass,
      id: str(j.id),
      oneTime: j.isUsableOnce !== false,
      expiresAt: new Date(start + lifetime * 60_000).toISOString(),
    };
  }
}

/** "+46701234567" → "+46 701234567": Graph's phone number form (country code, space, number). */
export function graphPhoneNumber(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed) return `+${parsed.countryCallingCode} ${parsed.nationalNumber}`;
  const digits = e164.replace(/^\+/, '');
  // Country calling codes are 1–3 digits; these are the ones that are 1 or 2 digits long.
  const one = ['1', '7'];
  const two = [
    '20',
    '27',
    '30',
    '31',
    '32',
    '33',
    '34',
    '36',
    '39',
    '40',
    '41',
    '43',
    '44',
    '45',
    '46',
    '47',
    '48',
    '49',
    '51',
    '52',
    '53',
    '54',
    '55',
    '56',
    '57',
    '58',
    '60',
    '61',
    '62',
    '63',
    '64',
    '65',
    '66',
    '81',
    '82',
    '84',
    '86',
    '90',
    '91',
    '92',
    '93',
    '94',
    '95',
    '98',
  ];
  const cc = one.includes(digits.slice(0, 1))
    ? digits.slice(0, 1)
    : two.includes(digits.slice(0, 2))
      ? digits.slice(0, 2)
      : digits.slice(0, 3);
  return `+${cc} ${digits.slice(cc.length)}`;
}

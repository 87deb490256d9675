/**
 * The identity provider behind the station (docs/IDP.md). Graph (Microsoft Entra ID) is the one
 * implementation today; the interface is what a second provider would implement. Everything
 * crossing it is plain JSON-safe data; requests for the outbox are kept as exact HTTP requests
 * (method, path, body) so they can be sent later, from another station, or exported to a file.
 */

/** The kinds of method a provider may hold for a person (Graph's authentication method types). */
export const PROVIDER_METHOD_TYPES = [
  'fido2',
  'microsoftAuthenticator',
  'phone',
  'email',
  'softwareOath',
  'hardwareOath',
  'temporaryAccessPass',
  'windowsHelloForBusiness',
  'password',
  'other',
] as const;
export type ProviderMethodType = (typeof PROVIDER_METHOD_TYPES)[number];

export interface ProviderUser {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
  readonly department: string;
  readonly mail: string;
  readonly mobile: string;
  readonly enabled: boolean;
}

/** One method as the provider holds it (public details only; never a secret). */
export interface ProviderMethod {
  readonly id: string;
  readonly type: ProviderMethodType;
  /** Shown as the method's name: key model / device name / phone type / address. */
  readonly label: string;
  readonly detail: string;
  readonly createdAt: string | null;
  /** Typed extras: aaguid + model (fido2), deviceName + appVersion (authenticator), phoneType, … */
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

/** A request to the provider, exactly as it will be sent. */
export interface ProviderRequest {
  readonly method: 'POST' | 'DELETE' | 'PATCH';
  /** Path below the provider's API host, with the API version: "/v1.0/users/{id}/…". */
  readonly path: string;
  readonly body: unknown;
}

export type ProviderReply =
  | { readonly kind: 'ok'; readonly status: number; readonly json: unknown }
  | { readonly kind: 'gone' } // 404 on a delete: what was asked for is true
  | { readonly kind: 'conflict'; readonly message: string } // 409: it is already there
  | {
      readonly kind: 'throttled';
      readonly status: number;
      readonly retryAfterSeconds: number | null;
    }
  | { readonly kind: 'serverError'; readonly status: number; readonly message: string }
  | {
      readonly kind: 'rejected';
      readonly status: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly kind: 'lost'; readonly detail: string } // sent, no reply: it may have arrived
  /**
   * Nothing was processed and nothing will be until the operator acts: no token (bad secret or
   * certificate, unknown tenant or app), a missing permission, or no network. A push stops here.
   */
  | { readonly kind: 'stopped'; readonly problem: ConnectionProblem };

/** What "Test connection" found, in words the operator console translates. */
export type ConnectionProblem =
  | { readonly code: 'idp.badCredential' }
  | { readonly code: 'idp.unknownTenant' }
  | { readonly code: 'idp.unknownApp' }
  | { readonly code: 'idp.missingPermission'; readonly permission: string }
  | { readonly code: 'idp.noNetwork'; readonly detail: string }
  | { readonly code: 'idp.untrustedCertificate' }
  | { readonly code: 'idp.groupNotFound' }
  | { readonly code: 'idp.providerError'; readonly detail: string };

export interface ConnectionCheck {
  readonly ok: boolean;
  readonly problem?: ConnectionProblem;
  /** What could be checked: token, group read, method read (each true when it worked). */
  readonly checks: Readonly<Record<string, boolean>>;
}

/** Creation options for one person's security key, as the provider issued them (annotations stripped). */
export interface IssuedCreationOptions {
  readonly expiresAt: string;
  /** PublicKeyCredentialCreationOptionsJSON exactly as issued, minus @odata annotations. */
  readonly publicKey: Record<string, unknown>;
}

/** A hardware OATH token as the station's inventory holds it (public details). */
export interface HardwareOathToken {
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly timeIntervalInSeconds: 30 | 60;
  readonly displayName: string;
}

export type HardwareOathStep = 'device' | 'assign' | 'activate' | 'confirm';

export type HardwareOathOutcome =
  | { readonly kind: 'confirmed'; readonly methodId: string; readonly deviceId: string }
  /** A step did not go through: the reply says whether to wait, stop or give up. */
  | { readonly kind: 'stalled'; readonly step: HardwareOathStep; readonly reply: ProviderReply };

export interface IdentityProvider {
  readonly kind: string;
  testConnection(groupId: string): Promise<ConnectionCheck>;
  /** The group's members, transitively, page by page. */
  groupMembers(groupId: string): AsyncIterable<readonly ProviderUser[]>;
  /** Each user's methods; users whose read failed are missing from the map. */
  methodsOf(userIds: readonly string[]): Promise<Map<string, ProviderMethod[]>>;
  creationOptions(userId: string, challengeTimeoutMinutes: number): Promise<IssuedCreationOptions>;
  /** The request that registers a security key made against `creationOptions`. */
  fido2Registration(
    userId: string,
    displayName: string,
    registration: {
      id: string;
      clientDataJSON: string;
      attestationObject: string;
      clientExtensionResults: unknown;
    },
  ): ProviderRequest;
  phoneRegistration(
    userId: string,
    e164: string,
    phoneType: 'mobile' | 'alternateMobile' | 'office',
  ): ProviderRequest;
  emailRegistration(userId: string, address: string): ProviderRequest;
  /**
   * Sets the person's password (self-service reset at the station). Sent at once, never queued:
   * a password is never written to the outbox or anywhere else.
   */
  passwordChange(userId: string, password: string, forceChangeNextSignIn: boolean): ProviderRequest;
  deletion(userId: string, type: ProviderMethodType, providerMethodId: string): ProviderRequest;
  /**
   * The request that puts a hardware OATH token in the provider's inventory — without its secret,
   * which `registerHardwareOath` adds when it sends (the outbox keeps no secret, sealed or not).
   */
  hardwareOathRegistration(token: HardwareOathToken): ProviderRequest;
  /**
   * Creates (unless the provider already holds its serial), assigns and activates a hardware OATH
   * token, each step only when the provider does not show it done yet, so a replay after a crash
   * or a lost reply repeats nothing. `codeNow` gives the token's code at the moment activation is
   * sent. Ends `confirmed` once the provider lists the activated method for the person.
   */
  registerHardwareOath(
    userId: string,
    token: HardwareOathToken & { readonly secretKey: string },
    codeNow: () => string,
  ): Promise<HardwareOathOutcome>;
  send(request: ProviderRequest): Promise<ProviderReply>;
  /** The provider id in a successful create's reply. */
  createdId(reply: unknown): string | null;
  /**
   * After a crash or a lost reply: does the provider already hold what `request` creates (its
   * id), or is it absent? `match` is what identifies it (credential id, phone type, address).
   */
  lookup(
    request: ProviderRequest,
    match: Readonly<Record<string, string>>,
  ): Promise<{ found: string | null } | { unreachable: ProviderReply }>;
  /** Issues a temporary access pass at the provider; the pass is in the reply only. */
  issueTemporaryAccessPass(
    userId: string,
    opts: { lifetimeMinutes: number; oneTime: boolean },
  ): Promise<{ pass: string; expiresAt: string; oneTime: boolean; id: string }>;
  /** The least-privileged application permission that writes methods of this type. */
  writePermission(type: ProviderMethodType): string;
  /** Requests sent so far (bench: requests per item). */
  readonly requestCount: number;
}

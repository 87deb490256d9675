/**
 * What the test provider holds: tenants with their app registrations, users, groups,
 * authentication methods, issued FIDO2 challenges and hardware OATH devices. Plain data;
 * the HTTP layers (token.ts, graph.ts) apply the service's rules to it.
 */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';

/** Well-known fixed method ids the service uses (phone per type, email, password). */
export const PHONE_METHOD_IDS = {
  mobile: '3179e48a-750b-4051-897c-87b9720928f7',
  alternateMobile: 'b6332ec1-7057-4abe-9331-3d72feddfe41',
  office: 'e37fc753-ff3b-4958-9484-eaa9425c82bc',
} as const;
export const EMAIL_METHOD_ID = '3ddfcfc8-9383-446f-83cc-3ab9be4be18f';
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

export type PhoneType = keyof typeof PHONE_METHOD_IDS;

export interface AppSecret {
  readonly keyId: string;
  readonly value: string;
  readonly endDateTime: number;
}

export interface AppCertificateRegistration {
  readonly keyId: string;
  readonly certPem: string;
  /** upper-case hex */
  readonly thumbprintSha1: string;
  readonly thumbprintSha256: string;
  readonly endDateTime: number;
}

export interface AppRegistration {
  readonly appId: string;
  /** Object id of the app's service principal in the tenant (the token's `oid`). */
  readonly servicePrincipalId: string;
  displayName: string;
  readonly secrets: AppSecret[];
  readonly certificates: AppCertificateRegistration[];
  /** Application permissions granted with admin consent (the token's `roles`). */
  readonly roles: Set<string>;
  /** Entra roles assigned to the app's service principal (e.g. 'User Administrator'). */
  readonly directoryRoles: Set<string>;
}

interface MethodBase {
  id: string;
  createdDateTime: string;
}

export interface Fido2Method extends MethodBase {
  type: 'fido2';
  displayName: string;
  aaGuid: string;
  model: string | null;
  attestationLevel: 'attested' | 'notAttested';
  attestationCertificates: string[];
  /** Never returned by the API; for the provider's duplicate check and for inspection. */
  credentialId: string;
  publicKey: string;
  signCount: number;
}
export interface MicrosoftAuthenticatorMethod extends MethodBase {
  type: 'microsoftAuthenticator';
  displayName: string;
  deviceTag: string;
  phoneAppVersion: string;
}
export interface PhoneMethod extends MethodBase {
  type: 'phone';
  phoneNumber: string;
  phoneType: PhoneType;
  smsSignInState: string;
}
export interface EmailMethod extends MethodBase {
  type: 'email';
  emailAddress: string;
}
export interface SoftwareOathMethod extends MethodBase {
  type: 'softwareOath';
}
export interface HardwareOathMethod extends MethodBase {
  type: 'hardwareOath';
  displayName: string | null;
  deviceId: string;
}
export interface TemporaryAccessPassMethod extends MethodBase {
  type: 'temporaryAccessPass';
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  /** scrypt hash of the pass; the pass itself is only in the creation reply. */
  passHash: string;
}
export interface WindowsHelloMethod extends MethodBase {
  type: 'windowsHelloForBusiness';
  displayName: string;
  keyStrength: 'normal' | 'weak' | 'unknown';
}
export interface PasswordMethod extends MethodBase {
  type: 'password';
}

export type AuthMethod =
  | Fido2Method
  | MicrosoftAuthenticatorMethod
  | PhoneMethod
  | EmailMethod
  | SoftwareOathMethod
  | HardwareOathMethod
  | TemporaryAccessPassMethod
  | WindowsHelloMethod
  | PasswordMethod;

export type MethodType = AuthMethod['type'];

export interface PasswordState {
  hash: string | null;
  lastPasswordChangeDateTime: string;
  forceChangePasswordNextSignIn: boolean;
  forceChangePasswordNextSignInWithMfa: boolean;
  /** How many times an app set it through the API. */
  changes: number;
}

export interface User {
  readonly id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  mobilePhone: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  /** true: mastered on-premises (AD sync); the cloud cannot set its password. */
  onPremisesSyncEnabled: boolean | null;
  passwordPolicies: string | null;
  /** An administrator (affects SSPR's two-gate rule and who may reset the password). */
  isAdmin: boolean;
  /** WebAuthn user handle the provider uses for this person (64 random bytes). */
  readonly webauthnUserHandle: string;
  readonly password: PasswordState;
  readonly methods: AuthMethod[];
  /** Extra SSPR registration the API cannot show (security questions). */
  securityQuestionsRegistered: boolean;
  readonly createdDateTime: string;
}

export interface Group {
  readonly id: string;
  displayName: string;
  /** Direct members: user ids and group ids. */
  readonly members: Set<string>;
}

export interface FidoChallenge {
  readonly challenge: string;
  readonly userId: string;
  readonly expiresAt: number;
  used: boolean;
}

export interface HardwareOathDevice {
  readonly id: string;
  serialNumber: string;
  manufacturer: string;
  model: string;
  /** Base32 seed (write-only in the API). */
  secretKey: string;
  timeIntervalInSeconds: 30 | 60;
  hashFunction: 'hmacsha1' | 'hmacsha256';
  displayName: string | null;
  assignedToUserId: string | null;
  status: 'available' | 'assigned' | 'activated' | 'failedActivation';
  lastUsedCounter: number;
  readonly createdDateTime: string;
}

export interface TenantPolicy {
  /** Password reset (SSPR) scope: nobody, everybody, or members of one group. */
  ssprScope: 'none' | 'all' | { groupId: string };
  /** Methods required to reset (1 or 2; administrators always need 2). */
  ssprMethodsRequired: 1 | 2;
  /** Password writeback to on-premises AD is on (the directory's sync feature). */
  passwordWritebackEnabled: boolean;
  /** Passkey (FIDO2) policy: allowed AAGUIDs (empty: any), attestation enforced. */
  passkeyAllowedAaguids: string[];
  passkeyEnforceAttestation: boolean;
  /** authenticatorSelection.authenticatorAttachment in creation options. */
  passkeyAuthenticatorAttachment: 'cross-platform' | 'platform' | null;
  /** Temporary Access Pass policy. */
  tapDefaultLifetimeInMinutes: number;
  tapMinimumLifetimeInMinutes: number;
  tapMaximumLifetimeInMinutes: number;
  tapDefaultLength: number;
  tapIsUsableOnce: boolean;
  /** Words a password may not contain (the banned-password list), lower-case. */
  bannedPasswords: string[];
}

export interface Tenant {
  readonly id: string;
  readonly domain: string;
  displayName: string;
  readonly apps: Map<string, AppRegistration>;
  readonly users: Map<string, User>;
  /** lower-case UPN → user id */
  readonly upns: Map<string, string>;
  readonly groups: Map<string, Group>;
  readonly challenges: Map<string, FidoChallenge>;
  readonly hardwareOathDevices: Map<string, HardwareOathDevice>;
  /** credentialId → [userId, methodId], over the whole tenant (duplicate check). */
  readonly credentialIndex: Map<string, [string, string]>;
  readonly policy: TenantPolicy;
}

export function defaultPolicy(): TenantPolicy {
  return {
    ssprScope: 'all',
    ssprMethodsRequired: 1,
    passwordWritebackEnabled: false,
    passkeyAllowedAaguids: [],
    passkeyEnforceAttestation: false,
    passkeyAuthenticatorAttachment: 'cross-platform',
    tapDefaultLifetimeInMinutes: 60,
    tapMinimumLifetimeInMinutes: 10,
    tapMaximumLifetimeInMinutes: 480,
    tapDefaultLength: 8,
    tapIsUsableOnce: false,
    bannedPasswords: ['password', 'lösenord', 'losenord', 'welcome', 'qwerty', 'keystation'],
  };
}

export function newTenant(id: string, domain: string, displayName: string): Tenant {
  return {
    id,
    domain,
    displayName,
    apps: new Map(),
    users: new Map(),
    upns: new Map(),
    groups: new Map(),
    challenges: new Map(),
    hardwareOathDevices: new Map(),
    credentialIndex: new Map(),
    policy: defaultPolicy(),
  };
}

/** A user by object id or UPN (case-insensitive), as Graph resolves `/users/{id | upn}`. */
export function findUser(t: Tenant, key: string): User | undefined {
  const byId = t.users.get(key.toLowerCase());
  if (byId) return byId;
  const id = t.upns.get(key.toLowerCase());
  return id === undefined ? undefined : t.users.get(id);
}

/** Transitive user members of a group, each once, in a stable order. */
export function transitiveUsers(t: Tenant, groupId: string): User[] {
  const out: User[] = [];
  const seenUsers = new Set<string>();
  const seenGroups = new Set<string>();
  const walk = (gid: string) => {
    if (seenGroups.has(gid)) return;
    seenGroups.add(gid);
    const g = t.groups.get(gid);
    if (!g) return;
    for (const m of g.members) {
      const u = t.users.get(m);
      if (u) {
        if (!seenUsers.has(u.id)) {
          seenUsers.add(u.id);
          out.push(u);
        }
      } else walk(m);
    }
  };
  walk(groupId);
  return out;
}

// --- secrets at rest: scrypt with a per-value salt (passwords, passes) ---

export function hashSecret(value: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(value, salt, 32, { N: 1024 });
  return `${salt.toString('base64url')}.${hash.toString('base64url')}`;
}

export function secretMatches(stored: string | null, candidate: string): boolean {
  if (!stored) return false;
  const [salt, hash] = stored.split('.');
  const got = scryptSync(candidate, Buffer.from(salt, 'base64url'), 32, { N: 1024 });
  return timingSafeEqual(got, Buffer.from(hash, 'base64url'));
}

export const newId = (): string => randomUUID();

/** Opaque, URL-safe method id like the service's FIDO2 / Authenticator ids. */
export const newOpaqueId = (): string => randomBytes(16).toString('base64url');

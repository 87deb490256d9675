/**
 * Seeding and inspection of one tenant: app registrations (secret / certificate, granted
 * permissions, Entra roles), users with methods, groups, "N people with M methods each",
 * and what the provider holds (methods, passwords, registration details) for assertions.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ProviderContext } from './context';
import { COLLECTION, methodJson, registrationDetails } from './graph';
import { creationOptions } from './fido2';
import { thumbprints, type AppCertificate } from './pki';
import {
  EMAIL_METHOD_ID,
  PASSWORD_METHOD_ID,
  PHONE_METHOD_IDS,
  findUser,
  hashSecret,
  newId,
  newOpaqueId,
  secretMatches,
  transitiveUsers,
  type AppRegistration,
  type AuthMethod,
  type Fido2Method,
  type Group,
  type HardwareOathDevice,
  type MethodType,
  type PhoneType,
  type Tenant,
  type TenantPolicy,
  type User,
} from './state';
import { currentCode } from './totp';

/** Every application permission Keystation's features use (see the provider README). */
export const KEYSTATION_PERMISSIONS = [
  'GroupMember.Read.All',
  'User.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'AuditLog.Read.All',
  'Policy.ReadWrite.AuthenticationMethod',
  'User-PasswordProfile.ReadWrite.All',
  'OnPremDirectorySynchronization.Read.All',
] as const;

export interface AppSeed {
  displayName?: string;
  appId?: string;
  /** A client secret: `true` makes a random one (returned), a string uses that value. */
  secret?: boolean | string;
  /** Seconds until the secret expires (default one year; negative: already expired). */
  secretLifetimeSeconds?: number;
  /** Certificates registered on the app (PEM, e.g. from createAppCertificate()). */
  certificates?: Array<AppCertificate | string>;
  /** Granted application permissions (default: KEYSTATION_PERMISSIONS). */
  permissions?: readonly string[];
  /** Entra roles of the service principal (default: ['User Administrator']). */
  directoryRoles?: readonly string[];
}

export interface SeededApp {
  readonly appId: string;
  readonly displayName: string;
  /** The secret value (only when the seed asked for one). */
  readonly secret?: string;
  /** The secret's id (a GUID — what a confused admin might paste instead of the value). */
  readonly secretId?: string;
  grant(...permissions: string[]): void;
  revoke(...permissions: string[]): void;
  readonly registration: AppRegistration;
}

export type MethodSeed =
  | {
      type: 'fido2';
      displayName?: string;
      aaGuid?: string;
      model?: string | null;
      credentialId?: string;
    }
  | {
      type: 'microsoftAuthenticator';
      displayName?: string;
      deviceTag?: string;
      phoneAppVersion?: string;
    }
  | { type: 'phone'; phoneNumber?: string; phoneType?: PhoneType }
  | { type: 'email'; emailAddress?: string }
  | { type: 'softwareOath' }
  | {
      type: 'hardwareOath';
      serialNumber?: string;
      secretKey?: string;
      activated?: boolean;
      timeIntervalInSeconds?: 30 | 60;
    }
  | {
      type: 'temporaryAccessPass';
      lifetimeInMinutes?: number;
      isUsableOnce?: boolean;
      pass?: string;
    }
  | { type: 'windowsHelloForBusiness'; displayName?: string };

export interface UserSeed {
  userPrincipalName?: string;
  displayName?: string;
  givenName?: string;
  surname?: string;
  id?: string;
  methods?: Array<MethodSeed | MethodType>;
  /** An initial cloud password (hashed; never stored in clear). */
  password?: string;
  onPremisesSyncEnabled?: boolean;
  passwordPolicies?: string;
  isAdmin?: boolean;
  accountEnabled?: boolean;
  securityQuestionsRegistered?: boolean;
}

const FIRST = [
  'Anna',
  'Erik',
  'Maria',
  'Lars',
  'Karin',
  'Johan',
  'Sara',
  'Anders',
  'Elin',
  'Per',
  'Ida',
  'Nils',
  'Lena',
  'Olof',
  'Maja',
  'Gustav',
  'Astrid',
  'Björn',
  'Frida',
  'Sven',
];
const LAST = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Pettersson',
  'Jonsson',
  'Lindberg',
  'Lindqvist',
  'Berg',
  'Holm',
];
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

export class SeededTenant {
  private seq = 0;
  constructor(
    private readonly ctx: ProviderContext,
    readonly tenant: Tenant,
  ) {}

  get id(): string {
    return this.tenant.id;
  }
  get domain(): string {
    return this.tenant.domain;
  }
  /** The tenant's authority URL, e.g. https://127.0.0.1:PORT/{tenant id}. */
  get authority(): string {
    return `${this.ctx.loginUrl}/${this.tenant.id}`;
  }
  get tokenEndpoint(): string {
    return `${this.authority}/oauth2/v2.0/token`;
  }
  /** The tenant's policies (SSPR scope, passkey/TAP policy, writeback, banned passwords); mutable. */
  get policy(): TenantPolicy {
    return this.tenant.policy;
  }

  addApp(seed: AppSeed = {}): SeededApp {
    const appId = (seed.appId ?? randomUUID()).toLowerCase();
    const secretValue =
      seed.secret === true
        ? `${randomBytes(3).toString('hex')}~${randomBytes(24).toString('base64url')}`
        : typeof seed.secret === 'string'
          ? seed.secret
          : undefined;
    const secretId = secretValue ? randomUUID() : undefined;
    const reg: AppRegistration = {
      appId,
      servicePrincipalId: randomUUID(),
      displayName: seed.displayName ?? 'Keystation',
      secrets: secretValue
        ? [
            {
              keyId: secretId!,
              value: secretValue,
              endDateTime:
                this.ctx.clock.now() + (seed.secretLifetimeSeconds ?? 365 * 86400) * 1000,
            },
          ]
        : [],
      certificates: (seed.certificates ?? []).map((c) => {
        const pem = typeof c === 'string' ? c : c.certPem;
        return {
          keyId: randomUUID(),
          certPem: pem,
          ...thumbprints(pem),
          endDateTime: this.ctx.clock.now() + 365 * 86400_000,
        };
      }),
      roles: new Set(seed.permissions ?? KEYSTATION_PERMISSIONS),
      directoryRoles: new Set(seed.directoryRoles ?? ['User Administrator']),
    };
    this.tenant.apps.set(appId, reg);
    return {
      appId,
      displayName: reg.displayName,
      secret: secretValue,
      secretId,
      registration: reg,
      grant: (...p) => p.forEach((x) => reg.roles.add(x)),
      revoke: (...p) => p.forEach((x) => reg.roles.delete(x)),
    };
  }

  addUser(seed: UserSeed = {}): User {
    const n = ++this.seq;
    const [dnGiven, ...dnRest] = (seed.displayName ?? '').split(' ').filter(Boolean);
    const given = seed.givenName ?? dnGiven ?? FIRST[(n - 1) % FIRST.length];
    const sur =
      seed.surname ??
      (dnRest.length ? dnRest.join(' ') : undefined) ??
      LAST[Math.floor((n - 1) / FIRST.length) % LAST.length];
    const displayName = seed.displayName ?? `${given} ${sur}`;
    const upn =
      seed.userPrincipalName ??
      `${ascii(given)}.${ascii(sur).replace(/\s+/g, '')}${n}@${this.tenant.domain}`;
    if (findUser(this.tenant, upn)) throw new Error(`user ${upn} exists`);
    const now = this.ctx.clock.iso();
    const u: User = {
      id: (seed.id ?? randomUUID()).toLowerCase(),
      userPrincipalName: upn,
      displayName,
      givenName: given,
      surname: sur,
      mail: upn,
      mobilePhone: null,
      jobTitle: null,
      accountEnabled: seed.accountEnabled ?? true,
      userType: 'Member',
      onPremisesSyncEnabled: seed.onPremisesSyncEnabled ?? null,
      passwordPolicies: seed.passwordPolicies ?? null,
      isAdmin: seed.isAdmin ?? false,
      webauthnUserHandle: randomBytes(64).toString('base64url'),
      password: {
        hash: seed.password ? hashSecret(seed.password) : null,
        lastPasswordChangeDateTime: now,
        forceChangePasswordNextSignIn: false,
        forceChangePasswordNextSignInWithMfa: false,
        changes: 0,
      },
      methods: [{ type: 'password', id: PASSWORD_METHOD_ID, createdDateTime: now }],
      securityQuestionsRegistered: seed.securityQuestionsRegistered ?? false,
      createdDateTime: now,
    };
    this.tenant.users.set(u.id, u);
    this.tenant.upns.set(upn.toLowerCase(), u.id);
    for (const m of seed.methods ?? [])
      this.addMethod(u, typeof m === 'string' ? ({ type: m } as MethodSeed) : m);
    return u;
  }

  /** Add a method as if the person had registered it elsewhere (phone app, portal …). */
  addMethod(userOrId: User | string, seed: MethodSeed): AuthMethod {
    const u = typeof userOrId === 'string' ? this.user(userOrId) : userOrId;
    const now = this.ctx.clock.iso();
    const n = u.methods.length;
    let m: AuthMethod;
    switch (seed.type) {
      case 'fido2': {
        const credentialId = seed.credentialId ?? randomBytes(32).toString('base64url');
        const f: Fido2Method = {
          type: 'fido2',
          id: newOpaqueId(),
          createdDateTime: now,
          displayName: seed.displayName ?? 'YubiKey 5 NFC',
          aaGuid: seed.aaGuid ?? 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
          model: seed.model === undefined ? 'YubiKey 5 Series with NFC' : seed.model,
          attestationLevel: 'attested',
          attestationCertificates: [],
          credentialId,
          publicKey: '',
          signCount: 0,
        };
        this.tenant.credentialIndex.set(credentialId, [u.id, f.id]);
        m = f;
        break;
      }
      case 'microsoftAuthenticator':
        m = {
          type: 'microsoftAuthenticator',
          id: newOpaqueId(),
          createdDateTime: now,
          displayName: seed.displayName ?? `iPhone ${12 + (n % 4)}`,
          deviceTag: seed.deviceTag ?? 'SoftwareTokenActivated',
          phoneAppVersion: seed.phoneAppVersion ?? '6.8.7',
        };
        break;
      case 'phone': {
        const phoneType = seed.phoneType ?? 'mobile';
        if (u.methods.some((x) => x.type === 'phone' && x.phoneType === phoneType))
          throw new Error(`${phoneType} phone exists`);
        m = {
          type: 'phone',
          id: PHONE_METHOD_IDS[phoneType],
          createdDateTime: now,
          phoneNumber:
            seed.phoneNumber ??
            `+46 70${String(1_000_000 + ((this.seq * 7919 + n) % 9_000_000)).slice(0, 7)}`,
          phoneType,
          smsSignInState: 'notAllowedByPolicy',
        };
        break;
      }
      case 'email':
        m = {
          type: 'email',
          id: EMAIL_METHOD_ID,
          createdDateTime: now,
          emailAddress: seed.emailAddress ?? `${u.userPrincipalName.split('@')[0]}@example.org`,
        };
        break;
      case 'softwareOath':
        m = { type: 'softwareOath', id: newId(), createdDateTime: now };
        break;
      case 'hardwareOath': {
        const d: HardwareOathDevice = {
          id: newId(),
          serialNumber: seed.serialNumber ?? `TOTP${randomBytes(4).toString('hex').toUpperCase()}`,
          manufacturer: 'Keystation Test',
          model: 'OTP c200',
          secretKey: seed.secretKey ?? base32(randomBytes(20)),
          timeIntervalInSeconds: seed.timeIntervalInSeconds ?? 30,
          hashFunction: 'hmacsha1',
          displayName: null,
          assignedToUserId: u.id,
          status: seed.activated === false ? 'assigned' : 'activated',
          lastUsedCounter: -1,
          createdDateTime: now,
        };
        this.tenant.hardwareOathDevices.set(d.id, d);
        m = {
          type: 'hardwareOath',
          id: d.id,
          createdDateTime: now,
          displayName: null,
          deviceId: d.id,
        };
        break;
      }
      case 'temporaryAccessPass':
        m = {
          type: 'temporaryAccessPass',
          id: newId(),
          createdDateTime: now,
          startDateTime: now,
          lifetimeInMinutes:
            seed.lifetimeInMinutes ?? this.tenant.policy.tapDefaultLifetimeInMinutes,
          isUsableOnce: seed.isUsableOnce ?? false,
          passHash: hashSecret(seed.pass ?? randomBytes(6).toString('base64url')),
        };
        break;
      case 'windowsHelloForBusiness':
        m = {
          type: 'windowsHelloForBusiness',
          id: newOpaqueId(),
          createdDateTime: now,
          displayName: seed.displayName ?? 'DESKTOP-KS01',
          keyStrength: 'normal',
        };
        break;
    }
    u.methods.push(m);
    return m;
  }

  addGroup(
    opts: { displayName?: string; members?: Array<User | Group | string>; id?: string } = {},
  ): Group {
    const g: Group = {
      id: (opts.id ?? randomUUID()).toLowerCase(),
      displayName: opts.displayName ?? `Group ${this.tenant.groups.size + 1}`,
      members: new Set(
        (opts.members ?? []).map((m) => (typeof m === 'string' ? m.toLowerCase() : m.id)),
      ),
    };
    this.tenant.groups.set(g.id, g);
    return g;
  }

  /**
   * `count` new people, each with `methods` (default: Authenticator, mobile phone, email),
   * optionally made members of a new group (returned). Fast: 1,000 people in well under a second.
   */
  addPeople(
    count: number,
    opts: {
      methods?: Array<MethodSeed | MethodType>;
      group?: string | true;
      password?: string;
    } = {},
  ): { users: User[]; group?: Group } {
    const methods = opts.methods ?? ['microsoftAuthenticator', 'phone', 'email'];
    const users: User[] = [];
    for (let i = 0; i < count; i++) users.push(this.addUser({ methods, password: opts.password }));
    const group = opts.group
      ? this.addGroup({
          displayName: opts.group === true ? `People ${this.tenant.groups.size + 1}` : opts.group,
          members: users,
        })
      : undefined;
    return { users, group };
  }

  // ------------------------------------------------------------ FIDO2 challenges without HTTP

  /**
   * Issue creation options for a person in-process (same challenge store as the API), as
   * Graph's v1.0 reply (annotated). For offline-import and provisioning tests.
   */
  issueCreationOptions(idOrUpn: string, challengeTimeoutInMinutes = 5) {
    return creationOptions(
      this.tenant,
      this.user(idOrUpn),
      this.ctx.clock,
      challengeTimeoutInMinutes,
      true,
    ) as {
      challengeTimeoutDateTime: string;
      publicKey: {
        challenge: string;
        user: { id: string; name: string; displayName: string };
      } & Record<string, unknown>;
    } & Record<string, unknown>;
  }

  /**
   * The CSV the widely used Entra bulk-registration scripts write, one row per person with a
   * fresh challenge from this provider:
   * `#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime`.
   */
  bulkRegistrationCsv(idsOrUpns: string[], challengeTimeoutInMinutes = 60): string {
    const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const rows = idsOrUpns.map((k) => {
      const o = this.issueCreationOptions(k, challengeTimeoutInMinutes);
      const u = o.publicKey.user;
      return [u.name, u.displayName, u.id, o.publicKey.challenge, o.challengeTimeoutDateTime]
        .map(q)
        .join(',');
    });
    return (
      ['#User.Name,User.DisplayName,User.ID,Challenge,ChallengeExpiryTime', ...rows].join('\n') +
      '\n'
    );
  }

  // ------------------------------------------------------------ inspection

  /** The live user record (by id or UPN); throws when unknown. */
  user(idOrUpn: string): User {
    const u = findUser(this.tenant, idOrUpn);
    if (!u) throw new Error(`no user ${idOrUpn}`);
    return u;
  }
  hasUser(idOrUpn: string): boolean {
    return findUser(this.tenant, idOrUpn) !== undefined;
  }
  users(): User[] {
    return [...this.tenant.users.values()];
  }
  groupMembers(groupId: string): User[] {
    return transitiveUsers(this.tenant, groupId.toLowerCase());
  }
  /** The methods as Graph's list endpoint shows them (typed, `@odata.type`). */
  methods(idOrUpn: string, type?: MethodType): Record<string, unknown>[] {
    const u = this.user(idOrUpn);
    return u.methods
      .filter((m) => !type || m.type === type)
      .map((m) => methodJson(m, this.tenant, this.ctx.clock.now()));
  }
  /** FIDO2 registrations with the internals Graph never shows (credential id, public key). */
  fido2Credentials(idOrUpn: string): Fido2Method[] {
    return this.user(idOrUpn).methods.filter((m): m is Fido2Method => m.type === 'fido2');
  }
  /** Methods per user of a type, over the whole tenant (e.g. fido2 counts for a duplicate check). */
  countMethods(type: MethodType): Map<string, number> {
    const out = new Map<string, number>();
    for (const u of this.tenant.users.values()) {
      const n = u.methods.filter((m) => m.type === type).length;
      if (n) out.set(u.id, n);
    }
    return out;
  }
  /** Does the user's cloud password equal `candidate`? (The provider only keeps a hash.) */
  checkPassword(idOrUpn: string, candidate: string): boolean {
    return secretMatches(this.user(idOrUpn).password.hash, candidate);
  }
  /** Password state without the password: when set, how often, force-change flags. */
  passwordState(idOrUpn: string) {
    const { hash: _hash, ...rest } = this.user(idOrUpn).password;
    return { ...rest, isSet: _hash !== null };
  }
  /** Does `candidate` match the user's temporary access pass? */
  checkTemporaryAccessPass(idOrUpn: string, candidate: string): boolean {
    const m = this.user(idOrUpn).methods.find((x) => x.type === 'temporaryAccessPass');
    return m?.type === 'temporaryAccessPass' && secretMatches(m.passHash, candidate);
  }
  registrationDetails(idOrUpn: string) {
    return registrationDetails(this.tenant, this.user(idOrUpn), this.ctx.clock.now());
  }
  /**
   * A hardware OATH token in the tenant's inventory, not assigned (what an administrator's upload
   * of the vendor's file creates).
   */
  addOathDevice(seed: {
    serialNumber: string;
    secretKey: string;
    manufacturer?: string;
    model?: string;
    timeIntervalInSeconds?: 30 | 60;
  }): HardwareOathDevice {
    const d: HardwareOathDevice = {
      id: newId(),
      serialNumber: seed.serialNumber,
      manufacturer: seed.manufacturer ?? 'Keystation Test',
      model: seed.model ?? 'OTP c200',
      secretKey: seed.secretKey,
      timeIntervalInSeconds: seed.timeIntervalInSeconds ?? 30,
      hashFunction: 'hmacsha1',
      displayName: null,
      assignedToUserId: null,
      status: 'available',
      lastUsedCounter: -1,
      createdDateTime: this.ctx.clock.iso(),
    };
    this.tenant.hardwareOathDevices.set(d.id, d);
    return d;
  }
  hardwareOathDevices(): HardwareOathDevice[] {
    return [...this.tenant.hardwareOathDevices.values()];
  }
  /** The code a hardware token (by id or serial number) shows now (provider's clock). */
  currentOathCode(idOrSerial: string): string {
    const d = [...this.tenant.hardwareOathDevices.values()].find(
      (x) => x.id === idOrSerial || x.serialNumber === idOrSerial,
    );
    if (!d) throw new Error(`no hardware OATH token ${idOrSerial}`);
    return currentCode(d, this.ctx.clock.now());
  }
  /** The path segment of a method type's collection, e.g. 'fido2Methods'. */
  static collection(type: MethodType): string {
    return COLLECTION[type];
  }
}

function base32(buf: Uint8Array): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += a[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += a[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The Graph host: v1.0 and beta routes used by Keystation, with bearer-token checks,
 * per-endpoint application permissions (403 Authorization_RequestDenied), OData paging,
 * typed authentication methods and Graph's error format.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { findTenant, json, type ProviderContext, type Reply, type RequestInfo } from './context';
import { creationOptions, register, type Fido2Settings } from './fido2';
import { decodeJwt, verifyJwtSignature } from './jwt';
import { checkPasswordComplexity } from './passwords';
import { verifyTotp } from './totp';
import {
  EMAIL_METHOD_ID,
  PHONE_METHOD_IDS,
  findUser,
  hashSecret,
  newId,
  transitiveUsers,
  type AppRegistration,
  type AuthMethod,
  type HardwareOathDevice,
  type MethodType,
  type PhoneType,
  type Tenant,
  type User,
} from './state';

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphCall {
  readonly ctx: ProviderContext;
  readonly req: RequestInfo;
  readonly version: GraphVersion;
  readonly params: Record<string, string>;
  /** Function parameters of the last segment, e.g. creationOptions(challengeTimeoutInMinutes=10). */
  readonly fnParams: Record<string, string> | null;
  readonly tenant: Tenant;
  readonly app: AppRegistration;
  readonly roles: Set<string>;
  readonly body: unknown;
  readonly settings: GraphSettings;
}

export interface GraphSettings {
  readonly fido2: Fido2Settings;
}

type Handler = (call: GraphCall) => Reply | Promise<Reply>;

interface Route {
  readonly method: string;
  readonly template: string;
  readonly segments: string[];
  readonly versions: GraphVersion[];
  readonly handler: Handler;
}

// ---------------------------------------------------------------- errors

export function graphError(
  req: RequestInfo,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Reply {
  return json(
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ''),
          'request-id': randomUUID(),
          'client-request-id': String(req.headers['client-request-id'] ?? randomUUID()),
        },
      },
    },
    headers,
  );
}

const denied = (c: GraphCall) =>
  graphError(
    c.req,
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );
const notFound = (c: GraphCall, what: string) =>
  graphError(
    c.req,
    404,
    'Request_ResourceNotFound',
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );
const badRequest = (c: GraphCall, message: string, code = 'Request_BadRequest') =>
  graphError(c.req, 400, code, message);

function need(c: GraphCall, anyOf: readonly string[]): Reply | null {
  return anyOf.some((p) => c.roles.has(p)) ? null : denied(c);
}

// ---------------------------------------------------------------- permissions (application)

const P = {
  groupMembers: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  userRead: [
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  userReadBasic: ['User.ReadBasic.All'],
  passwordWrite: [
    'User-PasswordProfile.ReadWrite.All',
    'User.ReadWrite.All',
    'Directory.ReadWrite.All',
  ],
  methodsRead: ['UserAuthenticationMethod.Read.All', 'UserAuthenticationMethod.ReadWrite.All'],
  reports: ['AuditLog.Read.All'],
  oathDevices: ['Policy.ReadWrite.AuthenticationMethod'],
  onPremSync: [
    'OnPremDirectorySynchronization.Read.All',
    'OnPremDirectorySynchronization.ReadWrite.All',
    'Directory.Read.All',
  ],
} as const;

/** The granular permission family for each method type (UserAuthMethod-{family}.*). */
const FAMILY: Record<MethodType, string> = {
  fido2: 'Passkey',
  microsoftAuthenticator: 'MicrosoftAuthApp',
  phone: 'Phone',
  email: 'Email',
  softwareOath: 'SoftwareOATH',
  hardwareOath: 'HardwareOATH',
  temporaryAccessPass: 'TAP',
  windowsHelloForBusiness: 'WindowsHello',
  password: 'Password',
};
const readPerms = (t: MethodType) => [
  `UserAuthMethod-${FAMILY[t]}.Read.All`,
  `UserAuthMethod-${FAMILY[t]}.ReadWrite.All`,
  ...P.methodsRead,
];
const writePerms = (t: MethodType) => [
  `UserAuthMethod-${FAMILY[t]}.ReadWrite.All`,
  'UserAuthenticationMethod.ReadWrite.All',
];

/** Entra roles that let an app set a non-admin's / an admin's password. */
const PASSWORD_ROLES_USER = [
  'User Administrator',
  'Helpdesk Administrator',
  'Authentication Administrator',
  'Privileged Authentication Administrator',
  'Global Administrator',
];
const PASSWORD_ROLES_ADMIN = ['Privileged Authentication Administrator', 'Global Administrator'];

// ---------------------------------------------------------------- JSON shapes

const ODATA_TYPE: Record<MethodType, string> = {
  fido2: 'fido2AuthenticationMethod',
  microsoftAuthenticator: 'microsoftAuthenticatorAuthenticationMethod',
  phone: 'phoneAuthenticationMethod',
  email: 'emailAuthenticationMethod',
  softwareOath: 'softwareOathAuthenticationMethod',
  hardwareOath: 'hardwareOathAuthenticationMethod',
  temporaryAccessPass: 'temporaryAccessPassAuthenticationMethod',
  windowsHelloForBusiness: 'windowsHelloForBusinessAuthenticationMethod',
  password: 'passwordAuthenticationMethod',
};

/** The path segment of each type's own collection. */
export const COLLECTION: Record<MethodType, string> = {
  fido2: 'fido2Methods',
  microsoftAuthenticator: 'microsoftAuthenticatorMethods',
  phone: 'phoneMethods',
  email: 'emailMethods',
  softwareOath: 'softwareOathMethods',
  hardwareOath: 'hardwareOathMethods',
  temporaryAccessPass: 'temporaryAccessPassMethods',
  windowsHelloForBusiness: 'windowsHelloForBusinessMethods',
  password: 'passwordMethods',
};

function tapUsable(m: Extract<AuthMethod, { type: 'temporaryAccessPass' }>, now: number) {
  const start = Date.parse(m.startDateTime);
  if (now < start) return { isUsable: false, methodUsabilityReason: 'NotYetValid' };
  if (now > start + m.lifetimeInMinutes * 60_000)
    return { isUsable: false, methodUsabilityReason: 'Expired' };
  return { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' };
}

export function methodJson(m: AuthMethod, t: Tenant, now: number): Record<string, unknown> {
  const base = { '@odata.type': `#microsoft.graph.${ODATA_TYPE[m.type]}`, id: m.id };
  switch (m.type) {
    case 'fido2':
      return {
        ...base,
        displayName: m.displayName,
        createdDateTime: m.createdDateTime,
        aaGuid: m.aaGuid,
        model: m.model,
        attestationCertificates: m.attestationCertificates,
        attestationLevel: m.attestationLevel,
      };
    case 'microsoftAuthenticator':
      return {
        ...base,
        displayName: m.displayName,
        deviceTag: m.deviceTag,
        phoneAppVersion: m.phoneAppVersion,
        createdDateTime: m.createdDateTime,
      };
    case 'phone':
      return {
        ...base,
        phoneNumber: m.phoneNumber,
        phoneType: m.phoneType,
        smsSignInState: m.smsSignInState,
      };
    case 'email':
      return { ...base, emailAddress: m.emailAddress };
    case 'softwareOath':
      return { ...base, secretKey: null };
    case 'hardwareOath': {
      const d = t.hardwareOathDevices.get(m.deviceId);
      return {
        ...base,
        displayName: m.displayName,
        device: d ? deviceJson(d, t) : null,
      };
    }
    case 'temporaryAccessPass':
      return {
        ...base,
        temporaryAccessPass: null,
        createdDateTime: m.createdDateTime,
        startDateTime: m.startDateTime,
        lifetimeInMinutes: m.lifetimeInMinutes,
        isUsableOnce: m.isUsableOnce,
        ...tapUsable(m, now),
      };
    case 'windowsHelloForBusiness':
      return {
        ...base,
        displayName: m.displayName,
        createdDateTime: m.createdDateTime,
        keyStrength: m.keyStrength,
      };
    case 'password':
      return { ...base, password: null, createdDateTime: m.createdDateTime };
  }
}

function deviceJson(d: HardwareOathDevice, t: Tenant) {
  const u = d.assignedToUserId ? t.users.get(d.assignedToUserId) : undefined;
  return {
    '@odata.type': '#microsoft.graph.hardwareOathTokenAuthenticationMethodDevice',
    id: d.id,
    displayName: d.displayName,
    serialNumber: d.serialNumber,
    manufacturer: d.manufacturer,
    model: d.model,
    secretKey: null,
    timeIntervalInSeconds: d.timeIntervalInSeconds,
    status: d.status,
    lastUsedDateTime: null,
    hashFunction: d.hashFunction,
    assignedTo: u ? { id: u.id, displayName: u.displayName } : null,
  };
}

const USER_DEFAULT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];
const USER_BASIC = new Set([
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
]);

function userProps(u: User): Record<string, unknown> {
  return {
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: u.mobilePhone,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    accountEnabled: u.accountEnabled,
    userType: u.userType,
    createdDateTime: u.createdDateTime,
    onPremisesSyncEnabled: u.onPremisesSyncEnabled,
    passwordPolicies: u.passwordPolicies,
    passwordProfile: null,
    lastPasswordChangeDateTime: u.password.lastPasswordChangeDateTime,
    // Real properties the provider keeps no data for (selectable, null / empty like an unset one).
    department: null,
    companyName: null,
    employeeId: null,
    mailNickname: u.userPrincipalName.split('@')[0],
    usageLocation: null,
    otherMails: [],
    proxyAddresses: [],
    onPremisesImmutableId: null,
    onPremisesSamAccountName: null,
    onPremisesDomainName: null,
    onPremisesLastSyncDateTime: null,
    creationType: null,
    externalUserState: null,
  };
}

/** $select as Graph parses it; an unknown property → 400 like the service. */
function selection(c: GraphCall): string[] | Reply {
  const raw = c.req.query.get('$select');
  if (!raw) return USER_DEFAULT;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(
    Object.keys(userProps({ userPrincipalName: '', password: {} } as unknown as User)),
  );
  for (const n of names)
    if (!known.has(n))
      return badRequest(
        c,
        `Could not find a property named '${n}' on type 'microsoft.graph.user'.`,
      );
  return names;
}

function userJson(c: GraphCall, u: User, select: string[]): Record<string, unknown> {
  const all = userProps(u);
  const full = P.userRead.some((p) => c.roles.has(p));
  const out: Record<string, unknown> = {};
  for (const k of select) if (full || USER_BASIC.has(k)) out[k] = all[k];
  return out;
}

// ---------------------------------------------------------------- paging

function page<T>(
  c: GraphCall,
  items: T[],
  render: (x: T) => unknown,
  context: string,
  maxTop = 999,
): Reply {
  const topRaw = c.req.query.get('$top');
  let top = 100;
  if (topRaw !== null) {
    const n = Number(topRaw);
    if (!Number.isInteger(n) || n < 1 || n > maxTop)
      return badRequest(
        c,
        `Invalid page size specified: '${topRaw}'. Must be between 1 and ${maxTop} inclusive.`,
        'Request_UnsupportedQuery',
      );
    top = n;
  }
  let offset = 0;
  const skip = c.req.query.get('$skiptoken');
  if (skip !== null) {
    const m = /^o:(\d+)$/.exec(Buffer.from(skip, 'base64url').toString('utf8'));
    if (!m)
      return badRequest(
        c,
        'The specified page token value has expired or is invalid.',
        'Directory_ExpiredPageToken',
      );
    offset = Number(m[1]);
  }
  const slice = items.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': `${c.ctx.graphUrl}/${c.version}/$metadata#${context}`,
  };
  if (offset + top < items.length) {
    const q = new URLSearchParams(c.req.query);
    q.set('$top', String(top));
    q.set('$skiptoken', Buffer.from(`o:${offset + top}`).toString('base64url'));
    body['@odata.nextLink'] = `${c.ctx.graphUrl}${c.req.path}?${q.toString()}`;
  }
  body.value = slice.map(render);
  return json(200, body);
}

// ---------------------------------------------------------------- handlers

function user(c: GraphCall): User | Reply {
  const u = findUser(c.tenant, c.params.user);
  return u ?? notFound(c, c.params.user);
}
const isReply = (x: unknown): x is Reply =>
  typeof x === 'object' && x !== null && 'status' in x && typeof (x as Reply).status === 'number';

function groupMembers(cast: boolean): Handler {
  return (c) => {
    const no = need(c, P.groupMembers);
    if (no) return no;
    const g = c.tenant.groups.get(c.params.group.toLowerCase());
    if (!g) return notFound(c, c.params.group);
    const sel = selection(c);
    if (isReply(sel)) return sel;
    const canRead = P.userRead.some((p) => c.roles.has(p)) || c.roles.has('User.ReadBasic.All');
    const users = transitiveUsers(c.tenant, g.id);
    return page(
      c,
      users,
      (u) =>
        canRead
          ? { '@odata.type': '#microsoft.graph.user', ...userJson(c, u, sel) }
          : { '@odata.type': '#microsoft.graph.user', id: u.id },
      cast ? 'users' : 'directoryObjects',
    );
  };
}

function methodsOf(u: User, type?: MethodType): AuthMethod[] {
  return type ? u.methods.filter((m) => m.type === type) : u.methods;
}

function listMethods(type?: MethodType): Handler {
  return (c) => {
    const no = need(c, type ? readPerms(type) : P.methodsRead);
    if (no) return no;
    const u = user(c);
    if (isReply(u)) return u;
    const now = c.ctx.clock.now();
    const items = methodsOf(u, type).filter(
      (m) => c.version === 'beta' || m.type !== 'hardwareOath',
    );
    return json(200, {
      '@odata.context': `${c.ctx.graphUrl}/${c.version}/$metadata#users('${u.id}')/authentication/${type ? COLLECTION[type] : 'methods'}`,
      value: items.map((m) => methodJson(m, c.tenant, now)),
    });
  };
}

function getMethod(type?: MethodType): Handler {
  return (c) => {
    const no = need(c, type ? readPerms(type) : P.methodsRead);
    if (no) return no;
    const u = user(c);
    if (isReply(u)) return u;
    const m = u.methods.find((x) => x.id === c.params.method && (!type || x.type === type));
    if (!m) return notFound(c, c.params.method);
    return json(200, methodJson(m, c.tenant, c.ctx.clock.now()));
  };
}

function deleteMethod(type: MethodType): Handler {
  return (c) => {
    const no = need(c, writePerms(type));
    if (no) return no;
    const u = user(c);
    if (isReply(u)) return u;
    const i = u.methods.findIndex((x) => x.id === c.params.method && x.type === type);
    if (i < 0) return notFound(c, c.params.method);
    const m = u.methods[i];
    if (m.type === 'password')
      return badRequest(c, 'The password method cannot be deleted.', 'badRequest');
    // The default sign-in method goes last: deleting it while others remain is refused.
    u.methods.splice(i, 1);
    if (m.type === 'fido2') c.tenant.credentialIndex.delete(m.credentialId);
    if (m.type === 'hardwareOath') {
      const d = c.tenant.hardwareOathDevices.get(m.deviceId);
      if (d) {
        d.assignedToUserId = null;
        d.status = 'available';
      }
    }
    return { status: 204 };
  };
}

async function postFido2(c: GraphCall): Promise<Reply> {
  const no = need(c, writePerms('fido2'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const out = await register(c.tenant, u, c.body, c.ctx.clock, c.settings.fido2);
  if (!out.ok) return graphError(c.req, out.status, out.code, out.message);
  return json(201, {
    '@odata.context': `${c.ctx.graphUrl}/${c.version}/$metadata#users('${u.id}')/authentication/fido2Methods/$entity`,
    ...methodJson(out.method, c.tenant, c.ctx.clock.now()),
  });
}

function getCreationOptions(c: GraphCall): Reply {
  const no = need(c, writePerms('fido2'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  let minutes = 5;
  if (c.fnParams) {
    if (c.version === 'v1.0')
      return badRequest(c, "Resource not found for the segment 'creationOptions'.", 'BadRequest');
    const raw = c.fnParams.challengeTimeoutInMinutes;
    const n = Number(raw);
    if (raw === undefined || Object.keys(c.fnParams).length !== 1 || !Number.isInteger(n))
      return badRequest(c, 'The parameter challengeTimeoutInMinutes is not valid.', 'badRequest');
    if (n < 5 || n > 43200)
      return badRequest(c, 'challengeTimeoutInMinutes must be between 5 and 43200.', 'badRequest');
    minutes = n;
  }
  const options = creationOptions(c.tenant, u, c.ctx.clock, minutes, true);
  const context = `${c.ctx.graphUrl}/${c.version}/$metadata#microsoft.graph.webauthnCredentialCreationOptions`;
  return json(
    200,
    c.version === 'beta'
      ? { '@odata.context': context, value: options }
      : { '@odata.context': context, ...options },
  );
}

// E.164 as Graph writes it: "+{country code} {subscriber number}x{extension}"
const PHONE_RE = /^\+\d{1,3} \d{4,14}(x\d{1,10})?$/;

function postPhone(c: GraphCall): Reply {
  const no = need(c, writePerms('phone'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const b = c.body as { phoneNumber?: unknown; phoneType?: unknown } | null;
  const phoneType = b?.phoneType;
  if (typeof phoneType !== 'string' || !(phoneType in PHONE_METHOD_IDS))
    return badRequest(
      c,
      "Invalid value for 'phoneType'. Allowed: mobile, alternateMobile, office.",
      'badRequest',
    );
  if (typeof b?.phoneNumber !== 'string' || !PHONE_RE.test(b.phoneNumber))
    return badRequest(
      c,
      "Invalid phone number. Use the format '+{country code} {subscriber number}x{extension}'.",
      'badRequest',
    );
  const type = phoneType as PhoneType;
  if (
    type === 'alternateMobile' &&
    !u.methods.some((m) => m.type === 'phone' && m.phoneType === 'mobile')
  )
    return badRequest(c, 'An alternate mobile phone requires a mobile phone.', 'badRequest');
  if (u.methods.some((m) => m.type === 'phone' && m.phoneType === type))
    return graphError(
      c.req,
      409,
      'conflict',
      `A phone method of type '${type}' already exists for this user.`,
    );
  const m = {
    type: 'phone' as const,
    id: PHONE_METHOD_IDS[type],
    createdDateTime: c.ctx.clock.iso(),
    phoneNumber: b.phoneNumber,
    phoneType: type,
    smsSignInState: 'notAllowedByPolicy',
  };
  u.methods.push(m);
  return json(201, methodJson(m, c.tenant, c.ctx.clock.now()));
}

function patchPhone(c: GraphCall): Reply {
  const no = need(c, writePerms('phone'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const m = u.methods.find((x) => x.type === 'phone' && x.id === c.params.method);
  if (!m || m.type !== 'phone') return notFound(c, c.params.method);
  const b = c.body as { phoneNumber?: unknown; phoneType?: unknown } | null;
  if (b?.phoneType !== undefined && b.phoneType !== m.phoneType)
    return badRequest(
      c,
      'phoneType cannot be changed; delete and create the method instead.',
      'badRequest',
    );
  if (typeof b?.phoneNumber !== 'string' || !PHONE_RE.test(b.phoneNumber))
    return badRequest(
      c,
      "Invalid phone number. Use the format '+{country code} {subscriber number}x{extension}'.",
      'badRequest',
    );
  m.phoneNumber = b.phoneNumber;
  return { status: 204 };
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function postEmail(c: GraphCall): Reply {
  const no = need(c, writePerms('email'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const b = c.body as { emailAddress?: unknown } | null;
  if (typeof b?.emailAddress !== 'string' || !EMAIL_RE.test(b.emailAddress))
    return badRequest(c, "Invalid value for 'emailAddress'.", 'badRequest');
  if (u.methods.some((m) => m.type === 'email'))
    return graphError(c.req, 409, 'conflict', 'An email method already exists for this user.');
  const m = {
    type: 'email' as const,
    id: EMAIL_METHOD_ID,
    createdDateTime: c.ctx.clock.iso(),
    emailAddress: b.emailAddress,
  };
  u.methods.push(m);
  return json(201, methodJson(m, c.tenant, c.ctx.clock.now()));
}

function patchEmail(c: GraphCall): Reply {
  const no = need(c, writePerms('email'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const m = u.methods.find((x) => x.type === 'email' && x.id === c.params.method);
  if (!m || m.type !== 'email') return notFound(c, c.params.method);
  const b = c.body as { emailAddress?: unknown } | null;
  if (typeof b?.emailAddress !== 'string' || !EMAIL_RE.test(b.emailAddress))
    return badRequest(c, "Invalid value for 'emailAddress'.", 'badRequest');
  m.emailAddress = b.emailAddress;
  return { status: 204 };
}

const TAP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%&*';

function postTap(c: GraphCall): Reply {
  const no = need(c, writePerms('temporaryAccessPass'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const pol = c.tenant.policy;
  const b = (c.body ?? {}) as {
    lifetimeInMinutes?: unknown;
    isUsableOnce?: unknown;
    startDateTime?: unknown;
  };
  const lifetime = b.lifetimeInMinutes ?? pol.tapDefaultLifetimeInMinutes;
  if (
    !Number.isInteger(lifetime) ||
    (lifetime as number) < pol.tapMinimumLifetimeInMinutes ||
    (lifetime as number) > pol.tapMaximumLifetimeInMinutes
  )
    return badRequest(
      c,
      `lifetimeInMinutes must be between ${pol.tapMinimumLifetimeInMinutes} and ${pol.tapMaximumLifetimeInMinutes} under the Temporary Access Pass policy.`,
      'badRequest',
    );
  if (b.isUsableOnce !== undefined && typeof b.isUsableOnce !== 'boolean')
    return badRequest(c, "Invalid value for 'isUsableOnce'.", 'badRequest');
  if (pol.tapIsUsableOnce && b.isUsableOnce === false)
    return badRequest(
      c,
      'The Temporary Access Pass policy only allows one-time passes.',
      'badRequest',
    );
  const now = c.ctx.clock.now();
  let start = now;
  if (b.startDateTime !== undefined) {
    start = typeof b.startDateTime === 'string' ? Date.parse(b.startDateTime) : NaN;
    if (!Number.isFinite(start))
      return badRequest(c, "Invalid value for 'startDateTime'.", 'badRequest');
  }
  if (u.methods.some((m) => m.type === 'temporaryAccessPass'))
    return badRequest(
      c,
      'A Temporary Access Pass already exists for this user. Delete it before creating a new one.',
      'badRequest',
    );
  let pass = '';
  for (let i = 0; i < pol.tapDefaultLength; i++)
    pass += TAP_ALPHABET[randomInt(TAP_ALPHABET.length)];
  const m = {
    type: 'temporaryAccessPass' as const,
    id: newId(),
    createdDateTime: new Date(now).toISOString(),
    startDateTime: new Date(start).toISOString(),
    lifetimeInMinutes: lifetime as number,
    isUsableOnce: b.isUsableOnce === true || pol.tapIsUsableOnce,
    passHash: hashSecret(pass),
  };
  u.methods.push(m);
  return json(201, { ...methodJson(m, c.tenant, now), temporaryAccessPass: pass });
}

// --- hardware OATH (beta): directory devices, assignment, activation

const BASE32_RE = /^[A-Z2-7]+=*$/;

function postOathDevice(c: GraphCall): Reply {
  const no = need(c, P.oathDevices);
  if (no) return no;
  const b = (c.body ?? {}) as Record<string, unknown>;
  for (const k of ['serialNumber', 'manufacturer', 'model', 'secretKey'])
    if (typeof b[k] !== 'string' || !(b[k] as string).length)
      return badRequest(c, `Property '${k}' is required.`, 'badRequest');
  const secret = (b.secretKey as string).replace(/\s/g, '').toUpperCase();
  if (!BASE32_RE.test(secret) || secret.replace(/=+$/, '').length < 16)
    return badRequest(
      c,
      "Property 'secretKey' must be a Base32 seed of at least 80 bits.",
      'badRequest',
    );
  const interval = b.timeIntervalInSeconds;
  if (interval !== 30 && interval !== 60)
    return badRequest(c, "Property 'timeIntervalInSeconds' must be 30 or 60.", 'badRequest');
  const hash = b.hashFunction ?? 'hmacsha1';
  if (hash !== 'hmacsha1' && hash !== 'hmacsha256')
    return badRequest(c, "Property 'hashFunction' must be hmacsha1 or hmacsha256.", 'badRequest');
  for (const d of c.tenant.hardwareOathDevices.values())
    if (d.serialNumber === b.serialNumber && d.manufacturer === b.manufacturer)
      return graphError(
        c.req,
        409,
        'conflict',
        'A hardware OATH token with this serial number already exists.',
      );
  let assignee: User | undefined;
  if (b.assignTo !== undefined) {
    const id = (b.assignTo as { id?: unknown } | null)?.id;
    assignee = typeof id === 'string' ? findUser(c.tenant, id) : undefined;
    if (!assignee) return notFound(c, String(id));
  }
  const d: HardwareOathDevice = {
    id: newId(),
    serialNumber: b.serialNumber as string,
    manufacturer: b.manufacturer as string,
    model: b.model as string,
    secretKey: secret,
    timeIntervalInSeconds: interval,
    hashFunction: hash,
    displayName: typeof b.displayName === 'string' ? b.displayName : null,
    assignedToUserId: null,
    status: 'available',
    lastUsedCounter: -1,
    createdDateTime: c.ctx.clock.iso(),
  };
  c.tenant.hardwareOathDevices.set(d.id, d);
  if (assignee) assignDevice(c, assignee, d.id);
  return json(201, deviceJson(d, c.tenant));
}

function assignDevice(c: GraphCall, u: User, deviceId: string) {
  const d = c.tenant.hardwareOathDevices.get(deviceId)!;
  d.assignedToUserId = u.id;
  d.status = 'assigned';
  u.methods.push({
    type: 'hardwareOath',
    id: d.id,
    createdDateTime: c.ctx.clock.iso(),
    displayName: d.displayName,
    deviceId: d.id,
  });
}

function listOathDevices(c: GraphCall): Reply {
  const no = need(c, P.oathDevices);
  if (no) return no;
  // $filter as the reference shows it: `serialNumber eq '…'` or `status eq '…'`.
  let devices = [...c.tenant.hardwareOathDevices.values()];
  const filter = c.req.query.get('$filter');
  if (filter !== null) {
    const m = /^\s*(serialNumber|status)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
    if (!m) return badRequest(c, `Invalid filter clause: '${filter}'.`, 'BadRequest');
    const value = m[2].replace(/''/g, "'");
    devices = devices.filter((d) => (m[1] === 'status' ? d.status : d.serialNumber) === value);
  }
  return page(
    c,
    devices,
    (d) => deviceJson(d, c.tenant),
    'directory/authenticationMethodDevices/hardwareOathDevices',
  );
}

function getOathDevice(c: GraphCall): Reply {
  const no = need(c, P.oathDevices);
  if (no) return no;
  const d = c.tenant.hardwareOathDevices.get(c.params.device);
  return d ? json(200, deviceJson(d, c.tenant)) : notFound(c, c.params.device);
}

function deleteOathDevice(c: GraphCall): Reply {
  const no = need(c, P.oathDevices);
  if (no) return no;
  const d = c.tenant.hardwareOathDevices.get(c.params.device);
  if (!d) return notFound(c, c.params.device);
  if (d.assignedToUserId) {
    const u = c.tenant.users.get(d.assignedToUserId);
    if (u) {
      const i = u.methods.findIndex((m) => m.type === 'hardwareOath' && m.deviceId === d.id);
      if (i >= 0) u.methods.splice(i, 1);
    }
  }
  c.tenant.hardwareOathDevices.delete(d.id);
  return { status: 204 };
}

function postHardwareOathMethod(c: GraphCall): Reply {
  const no = need(c, writePerms('hardwareOath'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const id = (c.body as { device?: { id?: unknown } } | null)?.device?.id;
  const d = typeof id === 'string' ? c.tenant.hardwareOathDevices.get(id) : undefined;
  if (!d) return notFound(c, String(id));
  if (d.assignedToUserId === u.id)
    return graphError(c.req, 409, 'conflict', 'The token is already assigned to this user.');
  if (d.assignedToUserId)
    return badRequest(c, 'The token is assigned to another user.', 'badRequest');
  assignDevice(c, u, d.id);
  const m = u.methods[u.methods.length - 1];
  return json(201, methodJson(m, c.tenant, c.ctx.clock.now()));
}

function activateHardwareOath(c: GraphCall): Reply {
  const no = need(c, writePerms('hardwareOath'));
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const m = u.methods.find((x) => x.type === 'hardwareOath' && x.id === c.params.method);
  if (!m || m.type !== 'hardwareOath') return notFound(c, c.params.method);
  const d = c.tenant.hardwareOathDevices.get(m.deviceId);
  if (!d) return notFound(c, c.params.method);
  const b = (c.body ?? {}) as { verificationCode?: unknown; displayName?: unknown };
  if (typeof b.verificationCode !== 'string' || !/^\d{6}$/.test(b.verificationCode))
    return badRequest(
      c,
      "Property 'verificationCode' must be the token's current 6-digit code.",
      'badRequest',
    );
  const counter = verifyTotp(d, b.verificationCode, c.ctx.clock.now());
  if (counter === null || counter <= d.lastUsedCounter) {
    d.status = d.status === 'activated' ? d.status : 'failedActivation';
    return badRequest(
      c,
      'The verification code is not valid for this token.',
      'invalidVerificationCode',
    );
  }
  d.lastUsedCounter = counter;
  d.status = 'activated';
  if (typeof b.displayName === 'string') {
    d.displayName = b.displayName;
    m.displayName = b.displayName;
  }
  return { status: 204 };
}

// --- users: read, password

function getUser(c: GraphCall): Reply {
  const no = need(c, [...P.userRead, ...P.userReadBasic]);
  if (no) return no;
  const u = user(c);
  if (isReply(u)) return u;
  const sel = selection(c);
  if (isReply(sel)) return sel;
  return json(200, {
    '@odata.context': `${c.ctx.graphUrl}/${c.version}/$metadata#users/$entity`,
    ...userJson(c, u, sel),
  });
}

function listUsers(c: GraphCall): Reply {
  const no = need(c, [...P.userRead, ...P.userReadBasic]);
  if (no) return no;
  const sel = selection(c);
  if (isReply(sel)) return sel;
  let users = [...c.tenant.users.values()];
  const filter = c.req.query.get('$filter');
  if (filter) {
    const m = /^(userPrincipalName|id|mail) eq '((?:[^']|'')*)'$/.exec(filter.trim());
    if (!m)
      return badRequest(
        c,
        `Unsupported or invalid query filter clause specified: '${filter}'.`,
        'Request_UnsupportedQuery',
      );
    const v = m[2].replace(/''/g, "'").toLowerCase();
    users = users.filter((u) => String(userProps(u)[m[1]] ?? '').toLowerCase() === v);
  }
  return page(c, users, (u) => userJson(c, u, sel), 'users');
}

function patchUser(c: GraphCall): Reply {
  const u = user(c);
  const b = c.body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object')
    return badRequest(c, 'The request body is empty or not JSON.', 'BadRequest');
  const keys = Object.keys(b);
  const profile = b.passwordProfile as Record<string, unknown> | undefined;
  if (profile !== undefined) {
    const no = need(c, P.passwordWrite);
    if (no) return no;
  } else {
    const no = need(c, ['User.ReadWrite.All', 'Directory.ReadWrite.All']);
    if (no) return no;
  }
  if (isReply(u)) return u;
  const allowed = new Set([
    'passwordProfile',
    'passwordPolicies',
    'displayName',
    'jobTitle',
    'mobilePhone',
    'accountEnabled',
  ]);
  for (const k of keys)
    if (!allowed.has(k))
      return badRequest(
        c,
        `Property '${k}' is read-only or not supported by the test provider.`,
        'Request_BadRequest',
      );
  if (profile !== undefined) {
    if (typeof profile !== 'object' || profile === null)
      return badRequest(c, "Invalid value for 'passwordProfile'.");
    const roles = u.isAdmin ? PASSWORD_ROLES_ADMIN : PASSWORD_ROLES_USER;
    if (!roles.some((r) => c.app.directoryRoles.has(r))) return denied(c);
    if (u.onPremisesSyncEnabled)
      return badRequest(
        c,
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      );
    const pw = profile.password;
    if (pw !== undefined) {
      if (typeof pw !== 'string') return badRequest(c, "Invalid value for 'password'.");
      const policies =
        typeof b.passwordPolicies === 'string' ? b.passwordPolicies : u.passwordPolicies;
      if (!checkPasswordComplexity(pw, u, c.tenant.policy, policies ?? ''))
        return badRequest(
          c,
          'The specified password does not comply with password complexity requirements. Please provide a different password.',
        );
    }
    for (const k of ['forceChangePasswordNextSignIn', 'forceChangePasswordNextSignInWithMfa'])
      if (profile[k] !== undefined && typeof profile[k] !== 'boolean')
        return badRequest(c, `Invalid value for '${k}'.`);
  }
  // validated: apply
  if (typeof b.displayName === 'string') u.displayName = b.displayName;
  if (typeof b.jobTitle === 'string') u.jobTitle = b.jobTitle;
  if (typeof b.mobilePhone === 'string') u.mobilePhone = b.mobilePhone;
  if (typeof b.accountEnabled === 'boolean') u.accountEnabled = b.accountEnabled;
  if (typeof b.passwordPolicies === 'string' || b.passwordPolicies === null)
    u.passwordPolicies = b.passwordPolicies as string | null;
  if (profile) {
    if (typeof profile.password === 'string') {
      u.password.hash = hashSecret(profile.password);
      u.password.lastPasswordChangeDateTime = c.ctx.clock.iso();
      u.password.changes++;
      // Graph: a password set by an admin must be changed at next sign-in unless told otherwise.
      u.password.forceChangePasswordNextSignIn = profile.forceChangePasswordNextSignIn !== false;
    } else if (typeof profile.forceChangePasswordNextSignIn === 'boolean') {
      u.password.forceChangePasswordNextSignIn = profile.forceChangePasswordNextSignIn;
    }
    if (typeof profile.forceChangePasswordNextSignInWithMfa === 'boolean')
      u.password.forceChangePasswordNextSignInWithMfa =
        profile.forceChangePasswordNextSignInWithMfa;
  }
  return { status: 204 };
}

function resetPassword(c: GraphCall): Reply {
  // Documented: application permissions are not supported for this action (delegated only).
  if (!c.roles.has('__delegated__')) return denied(c);
  return badRequest(c, 'Not supported.');
}

// --- reports: userRegistrationDetails

function inSsprScope(t: Tenant, u: User): boolean {
  const s = t.policy.ssprScope;
  if (s === 'none') return false;
  if (s === 'all') return true;
  return transitiveUsers(t, s.groupId).some((x) => x.id === u.id);
}

export function registrationDetails(t: Tenant, u: User, now: number) {
  const reg: string[] = [];
  const has = (type: MethodType) => u.methods.some((m) => m.type === type);
  const phone = (pt: PhoneType) => u.methods.some((m) => m.type === 'phone' && m.phoneType === pt);
  if (has('email')) reg.push('email');
  if (phone('mobile')) reg.push('mobilePhone');
  if (phone('alternateMobile')) reg.push('alternateMobilePhone');
  if (phone('office')) reg.push('officePhone');
  if (has('microsoftAuthenticator')) reg.push('microsoftAuthenticatorPush');
  if (has('softwareOath')) reg.push('softwareOneTimePasscode');
  if (u.methods.some((m) => m.type === 'hardwareOath' && oathActivated(t, m.deviceId)))
    reg.push('hardwareOneTimePasscode');
  if (has('windowsHelloForBusiness')) reg.push('windowsHelloForBusiness');
  if (has('fido2')) reg.push('passKeyDeviceBound');
  if (has('temporaryAccessPass')) reg.push('temporaryAccessPass');
  if (u.securityQuestionsRegistered) reg.push('securityQuestion');
  const ssprUsable = reg.filter((r) =>
    [
      'email',
      'mobilePhone',
      'alternateMobilePhone',
      'officePhone',
      'microsoftAuthenticatorPush',
      'softwareOneTimePasscode',
      'hardwareOneTimePasscode',
      'securityQuestion',
    ].includes(r),
  ).length;
  const required = u.isAdmin ? 2 : t.policy.ssprMethodsRequired;
  const isSsprEnabled = inSsprScope(t, u);
  const isSsprRegistered = ssprUsable >= required;
  const mfa =
    reg.filter((r) => r !== 'email' && r !== 'securityQuestion' && r !== 'temporaryAccessPass')
      .length > 0;
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    userDisplayName: u.displayName,
    userType: u.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: u.isAdmin,
    isSsprRegistered,
    isSsprEnabled,
    // Capable: enabled, registered, and the cloud may set the password (cloud-only or writeback).
    isSsprCapable:
      isSsprEnabled &&
      isSsprRegistered &&
      (!u.onPremisesSyncEnabled || t.policy.passwordWritebackEnabled),
    isMfaRegistered: mfa,
    isMfaCapable: mfa,
    isPasswordlessCapable: has('fido2') || has('windowsHelloForBusiness'),
    methodsRegistered: reg,
    isSystemPreferredAuthenticationMethodEnabled: false,
    systemPreferredAuthenticationMethods: [],
    userPreferredMethodForSecondaryAuthentication: 'none',
    lastUpdatedDateTime: new Date(now).toISOString(),
  };
}

function oathActivated(t: Tenant, deviceId: string): boolean {
  return t.hardwareOathDevices.get(deviceId)?.status === 'activated';
}

function listRegistrationDetails(c: GraphCall): Reply {
  const no = need(c, P.reports);
  if (no) return no;
  let users = [...c.tenant.users.values()];
  const filter = c.req.query.get('$filter');
  if (filter) {
    const m = /^(userPrincipalName|id) eq '((?:[^']|'')*)'$/.exec(filter.trim());
    if (!m)
      return badRequest(
        c,
        `Unsupported or invalid query filter clause specified: '${filter}'.`,
        'Request_UnsupportedQuery',
      );
    const v = m[2].replace(/''/g, "'").toLowerCase();
    users = users.filter((u) => (m[1] === 'id' ? u.id : u.userPrincipalName.toLowerCase()) === v);
  }
  const now = c.ctx.clock.now();
  return page(
    c,
    users,
    (u) => registrationDetails(c.tenant, u, now),
    'reports/authenticationMethods/userRegistrationDetails',
  );
}

function getRegistrationDetails(c: GraphCall): Reply {
  const no = need(c, P.reports);
  if (no) return no;
  const u = c.tenant.users.get(c.params.user.toLowerCase());
  if (!u) return notFound(c, c.params.user);
  return json(200, registrationDetails(c.tenant, u, c.ctx.clock.now()));
}

function onPremisesSynchronization(c: GraphCall): Reply {
  const no = need(c, P.onPremSync);
  if (no) return no;
  return json(200, {
    '@odata.context': `${c.ctx.graphUrl}/${c.version}/$metadata#directory/onPremisesSynchronization`,
    value: [
      {
        id: c.tenant.id,
        features: {
          passwordSyncEnabled: [...c.tenant.users.values()].some((u) => u.onPremisesSyncEnabled),
          passwordWritebackEnabled: c.tenant.policy.passwordWritebackEnabled,
          directoryExtensionsEnabled: false,
          groupWriteBackEnabled: false,
          userWritebackEnabled: false,
        },
      },
    ],
  });
}

// ---------------------------------------------------------------- route table

const ALL: GraphVersion[] = ['v1.0', 'beta'];
const BETA: GraphVersion[] = ['beta'];

function route(method: string, template: string, handler: Handler, versions = ALL): Route {
  return { method, template, segments: template.split('/').filter(Boolean), versions, handler };
}

const METHOD_TYPES = Object.keys(COLLECTION) as MethodType[];

export const ROUTES: Route[] = [
  route('GET', '/users', listUsers),
  route('GET', '/users/{user}', getUser),
  route('PATCH', '/users/{user}', patchUser),
  route('GET', '/groups/{group}/transitiveMembers/microsoft.graph.user', groupMembers(true)),
  route('GET', '/groups/{group}/transitiveMembers', groupMembers(false)),
  route('GET', '/users/{user}/authentication/methods', listMethods()),
  route('GET', '/users/{user}/authentication/methods/{method}', getMethod()),
  route('POST', '/users/{user}/authentication/methods/{method}/resetPassword', resetPassword),
  route('GET', '/users/{user}/authentication/fido2Methods/creationOptions()', getCreationOptions),
  route('POST', '/users/{user}/authentication/fido2Methods', postFido2),
  route('POST', '/users/{user}/authentication/phoneMethods', postPhone),
  route('PATCH', '/users/{user}/authentication/phoneMethods/{method}', patchPhone),
  route('POST', '/users/{user}/authentication/emailMethods', postEmail),
  route('PATCH', '/users/{user}/authentication/emailMethods/{method}', patchEmail),
  route('POST', '/users/{user}/authentication/temporaryAccessPassMethods', postTap),
  route('POST', '/users/{user}/authentication/hardwareOathMethods', postHardwareOathMethod, BETA),
  route(
    'POST',
    '/users/{user}/authentication/hardwareOathMethods/{method}/activate',
    activateHardwareOath,
    BETA,
  ),
  ...METHOD_TYPES.flatMap((t) => [
    route(
      'GET',
      `/users/{user}/authentication/${COLLECTION[t]}`,
      listMethods(t),
      t === 'hardwareOath' ? BETA : ALL,
    ),
    route(
      'GET',
      `/users/{user}/authentication/${COLLECTION[t]}/{method}`,
      getMethod(t),
      t === 'hardwareOath' ? BETA : ALL,
    ),
    ...(t === 'password'
      ? []
      : [
          route(
            'DELETE',
            `/users/{user}/authentication/${COLLECTION[t]}/{method}`,
            deleteMethod(t),
            t === 'hardwareOath' ? BETA : ALL,
          ),
        ]),
  ]),
  route('GET', '/directory/authenticationMethodDevices/hardwareOathDevices', listOathDevices, BETA),
  route('POST', '/directory/authenticationMethodDevices/hardwareOathDevices', postOathDevice, BETA),
  route(
    'GET',
    '/directory/authenticationMethodDevices/hardwareOathDevices/{device}',
    getOathDevice,
    BETA,
  ),
  route(
    'DELETE',
    '/directory/authenticationMethodDevices/hardwareOathDevices/{device}',
    deleteOathDevice,
    BETA,
  ),
  route('GET', '/reports/authenticationMethods/userRegistrationDetails', listRegistrationDetails),
  route(
    'GET',
    '/reports/authenticationMethods/userRegistrationDetails/{user}',
    getRegistrationDetails,
  ),
  route('GET', '/directory/onPremisesSynchronization', onPremisesSynchronization, BETA),
];

export interface RouteMatch {
  readonly route: Route;
  readonly version: GraphVersion;
  readonly params: Record<string, string>;
  readonly fnParams: Record<string, string> | null;
  /** e.g. `GET /users/{id}/authentication/methods` (the request log's and faults' key). */
  readonly endpoint: string;
}

function parseFnParams(s: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of s.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!k || v === undefined) return null;
    out[k.trim()] = decodeURIComponent(v.trim()).replace(/^'(.*)'$/, '$1');
  }
  return out;
}

/** Match `/v1.0/...` or `/beta/...`; `null` when no route (404), `'version'` when version unknown. */
export function matchGraph(method: string, path: string): RouteMatch | null {
  const segs = path.split('/').filter(Boolean);
  const version = segs.shift();
  if (version !== 'v1.0' && version !== 'beta') return null;
  for (const r of ROUTES) {
    if (r.method !== method || r.segments.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let fnParams: Record<string, string> | null = null;
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const t = r.segments[i];
      const s = segs[i];
      if (t.startsWith('{')) params[t.slice(1, -1)] = decodeURIComponent(s);
      else if (t.endsWith('()')) {
        const name = t.slice(0, -2);
        if (s === name) continue;
        const m = new RegExp(`^${name}\\((.*)\\)$`).exec(s);
        if (!m) ok = false;
        else {
          fnParams = parseFnParams(m[1]);
          if (!fnParams) ok = false;
        }
      } else if (t.toLowerCase() !== s.toLowerCase()) ok = false;
    }
    if (!ok) continue;
    if (!r.versions.includes(version)) continue;
    const endpoint = `${method} ${r.template.replace(/\(\)$/, '').replace(/\{user\}/g, '{id}')}`;
    return { route: r, version, params, fnParams, endpoint };
  }
  return null;
}

// ---------------------------------------------------------------- authentication of the caller

interface Caller {
  tenant: Tenant;
  app: AppRegistration;
  roles: Set<string>;
}

export function authenticate(ctx: ProviderContext, req: RequestInfo): Caller | Reply {
  const auth = String(req.headers.authorization ?? '');
  const www = {
    'WWW-Authenticate': `Bearer realm="", authorization_uri="${ctx.loginUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  };
  const unauth = (message: string) =>
    graphError(req, 401, 'InvalidAuthenticationToken', message, www);
  const m = /^Bearer (.+)$/.exec(auth);
  if (!m) return unauth('Access token is empty.');
  const jwt = decodeJwt(m[1]);
  if (!jwt) return unauth('IDX14100: JWT is not well formed, there are no dots (.).');
  if (
    jwt.header.alg !== 'RS256' ||
    jwt.header.kid !== ctx.signingKeyId ||
    !verifyJwtSignature(jwt, ctx.signingPublicKey)
  )
    return unauth('Access token validation failure. Invalid signature.');
  const p = jwt.payload;
  const now = Math.floor(ctx.clock.now() / 1000);
  if (typeof p.exp !== 'number' || p.exp < now || (typeof p.nbf === 'number' && p.nbf > now + 300))
    return unauth('Lifetime validation failed, the token is expired.');
  if (p.aud !== ctx.graphUrl && p.aud !== 'https://graph.microsoft.com')
    return unauth('Access token validation failure. Invalid audience.');
  const tenant = typeof p.tid === 'string' ? findTenant(ctx, p.tid) : undefined;
  const app = tenant && typeof p.appid === 'string' ? tenant.apps.get(p.appid) : undefined;
  if (!tenant || !app)
    return unauth('Access token validation failure. Invalid issuer or application.');
  return { tenant, app, roles: new Set(Array.isArray(p.roles) ? (p.roles as string[]) : []) };
}

export function callFrom(
  ctx: ProviderContext,
  req: RequestInfo,
  match: RouteMatch,
  caller: Caller,
  body: unknown,
  settings: GraphSettings,
): GraphCall {
  return {
    ctx,
    req,
    version: match.version,
    params: match.params,
    fnParams: match.fnParams,
    tenant: caller.tenant,
    app: caller.app,
    roles: caller.roles,
    body,
    settings,
  };
}

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Secret } from 'otpauth';
import { encodeCanonical } from '../../native/cbor';
import { OathTokenRepository } from '../db/repositories/oathTokens';
import { OperatorRepository } from '../db/repositories/operators';
import { AccessPassRepository } from '../db/repositories/passes';
import { PeopleRepository } from '../db/repositories/people';
import type { StationContext } from './context';
import type { MethodRegistry } from './methods/registry';
import { slowHash } from './secrets';
import type { PersonId } from './types';

/**
 * Demo data for "Demo Organization" (rp id demo.keystation.local): a handful of people with a
 * few methods each, one with nothing registered, and the three SSPR error cases (DESIGN.md §2.1). The demo pass,
 * operator password and token secrets below are public on purpose: they exist only in demo
 * stations, for staff training and end-to-end tests.
 */
export const DEMO_ACCESS_PASS = {
  upn: 'lars.nilsson@demo.keystation.local',
  pass: 'DemoPass-2468',
};
export const DEMO_OPERATOR = {
  username: 'demo.operator',
  password: 'demo-operator-2468',
  displayName: 'Demo Operator',
};
export const DEMO_OATH_TOKENS = [
  {
    upn: 'lars.nilsson@demo.keystation.local',
    serial: 'DEMO-0001',
    secretBase32: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    period: 30,
    manufacturer: 'Demo Tokens',
    model: 'OTP-6 Mini',
  },
  {
    upn: 'maria.garcia@demo.keystation.local',
    serial: 'DEMO-0002',
    secretBase32: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    period: 60,
    manufacturer: 'Demo Tokens',
    model: 'OTP-6 Mini',
  },
] as const;

/** YubiKey 5 series AAGUID; a plausible model for the demo list. */
const DEMO_KEY_AAGUID = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

interface DemoPerson {
  upn: string;
  displayName: string;
  department: string;
  mobile?: string;
  ssprEnabled?: boolean;
  passwordManagedExternally?: boolean;
  status?: 'active' | 'disabled';
  methods: (
    'securityKey' | 'authenticatorApp' | 'phoneSms' | 'phoneCall' | 'email' | 'securityQuestions'
  )[];
}

const DOMAIN = 'demo.keystation.local';

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    upn: `anna.svensson@${DOMAIN}`,
    displayName: 'Anna Svensson',
    department: 'IT',
    mobile: '+46701234567',
    methods: ['securityKey', 'authenticatorApp', 'phoneSms'],
  },
  {
    upn: `erik.johansson@${DOMAIN}`,
    displayName: 'Erik Johansson',
    department: 'Sales',
    mobile: '+46702345678',
    methods: ['authenticatorApp', 'phoneCall', 'email'],
  },
  {
    upn: `fatima.ali@${DOMAIN}`,
    displayName: 'Fatima Ali',
    department: 'HR',
    mobile: '+46703456789',
    methods: ['phoneSms', 'securityQuestions'],
  },
  {
    upn: `lars.nilsson@${DOMAIN}`,
    displayName: 'Lars Nilsson',
    department: 'Finance',
    mobile: '+46704567890',
    methods: [],
  },
  {
    upn: `maria.garcia@${DOMAIN}`,
    displayName: 'María García',
    department: 'Research',
    methods: ['securityKey', 'email'],
  },
  {
    upn: `sara.lindqvist@${DOMAIN}`,
    displayName: 'Sara Lindqvist',
    department: 'Legal',
    passwordManagedExternally: true,
    methods: ['authenticatorApp'],
  },
  {
    upn: `oskar.ek@${DOMAIN}`,
    displayName: 'Oskar Ek',
    department: 'Facilities',
    ssprEnabled: false,
    methods: ['phoneSms'],
  },
  {
    upn: `john.smith@${DOMAIN}`,
    displayName: 'John Smith',
    department: 'Support',
    status: 'disabled',
    methods: [],
  },
];

function demoCoseKey(): Buffer {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = new Map<number, number | Uint8Array>([
    [1, 2], // kty EC2
    [3, -7], // alg ES256
    [-1, 1], // crv P-256
    [-2, Buffer.from(String(jwk.x), 'base64url')],
    [-3, Buffer.from(String(jwk.y), 'base64url')],
  ]);
  return Buffer.from(encodeCanonical(cose));
}

/** Runs inside openStation's first-open transaction. */
export function seedDemo(ctx: StationContext, methods: MethodRegistry): void {
  const now = ctx.clock().toISOString();
  const people = new PeopleRepository(ctx.db);
  const ids = new Map<string, PersonId>();
  for (const p of DEMO_PEOPLE) {
    const id = people.insert({ ...p, email: p.upn, mobile: p.mobile ?? '' }, now);
    ids.set(p.upn, id);
    ctx.audit.append('person.created', id, { upn: p.upn, source: 'demo' });
    for (const kind of p.methods) {
      if (kind === 'securityKey') {
        const methodId = methods.insert(
          id,
          { kind, label: 'YubiKey (demo)', detail: 'YubiKey 5 Series', data: {} },
          { source: 'demo' },
        );
        methods.repo.insertKeyCredential(methodId, {
          credentialId: randomBytes(32),
          publicKey: demoCoseKey(),
          aaguid: DEMO_KEY_AAGUID,
          modelName: 'YubiKey 5 Series',
          signCount: 0,
          transports: ['usb'],
          attestationFormat: 'none',
          rpId: ctx.policy().securityKey.rpId,
          userHandle: randomBytes(16),
        });
      } else if (kind === 'authenticatorApp') {
        methods.insert(
          id,
          {
            kind,
            label: 'Authenticator app',
            detail: '',
            sealedSecret: ctx.keys.seal(
              Buffer.from(new Secret({ size: 20 }).base32, 'ascii'),
              'totp',
            ),
            data: { period: 30, digits: 6, algorithm: 'SHA1' },
          },
          { source: 'demo' },
        );
      } else if (kind === 'phoneSms' || kind === 'phoneCall') {
        methods.insert(
          id,
          { kind, label: '', detail: p.mobile ?? '+46700000000' },
          { source: 'demo' },
        );
      } else if (kind === 'email') {
        methods.insert(
          id,
          { kind, label: '', detail: p.upn.replace(`@${DOMAIN}`, '@example.com') },
          { source: 'demo' },
        );
      } else {
        const questionIds = ['q.firstSchool', 'q.firstPet', 'q.firstJob'];
        const methodId = methods.insert(
          id,
          { kind, label: '', detail: String(questionIds.length) },
          { source: 'demo' },
        );
        for (const q of questionIds) {
          methods.repo.insertAnswer(methodId, q, slowHash(`demo answer ${q}`));
        }
      }
    }
  }
  const tokens = new OathTokenRepository(ctx.db);
  for (const t of DEMO_OATH_TOKENS) {
    tokens.insert({
      serial: t.serial,
      upn: t.upn,
      secret: ctx.keys.seal(Buffer.from(t.secretBase32, 'ascii'), 'oath'),
      period: t.period,
      manufacturer: t.manufacturer,
      model: t.model,
      importedAt: now,
    });
  }
  const lars = ids.get(DEMO_ACCESS_PASS.upn);
  if (lars !== undefined) {
    new AccessPassRepository(ctx.db).insert({
      personId: lars,
      passHash: slowHash(DEMO_ACCESS_PASS.pass, 'generated'),
      oneTime: false,
      issuedAt: now,
      expiresAt: new Date(ctx.clock().getTime() + 30 * 86_400_000).toISOString(),
      issuedBy: 'demo',
    });
  }
  new OperatorRepository(ctx.db).insert({
    username: DEMO_OPERATOR.username,
    displayName: DEMO_OPERATOR.displayName,
    role: 'admin',
    passwordHash: slowHash(DEMO_OPERATOR.password),
    createdAt: now,
  });
}

/**
 * The identity-provider link (docs/IDP.md): the operator console's "Identity provider" page
 * (connection, test, pull, outbox) and, on the Security info page, the methods the provider
 * holds next to the station's own. Operator only, except a person's own provider methods
 * (main/api/authorization.ts).
 */
import { z } from 'zod';
import { call } from './define';
import { personIdSchema } from './people';

/** Graph's authentication method types as the station shows them. */
export type ProviderMethodType =
  | 'fido2'
  | 'microsoftAuthenticator'
  | 'phone'
  | 'email'
  | 'softwareOath'
  | 'hardwareOath'
  | 'temporaryAccessPass'
  | 'windowsHelloForBusiness'
  | 'password'
  | 'other';

export type OutboxState = 'pending' | 'sent' | 'confirmed' | 'failed' | 'discarded';

export interface IdpConnection {
  /** Settings saved: the station is linked. */
  configured: boolean;
  tenantId: string;
  clientId: string;
  credentialKind: 'secret' | 'certificate';
  /** A secret (or certificate key) is stored, sealed; it never crosses the contract. */
  hasSecret: boolean;
  /** SHA-256 of the stored certificate (DER), hex; null without one. */
  certificateThumbprint: string | null;
  authorityHost: string;
  graphHost: string;
  groupId: string;
  /** ISO 8601. */
  updatedAt: string | null;
}

/** What "Test connection" found; `problem.code` is a station error code (errors.station.*). */
export interface IdpConnectionCheck {
  ok: boolean;
  problem: { code: string; params: Record<string, string> } | null;
  /** What worked: token, group read, method read. */
  checks: Record<string, boolean>;
}

export interface IdpPullResult {
  people: number;
  created: number;
  updated: number;
  left: number;
  methods: number;
  methodsUnread: number;
}

export interface OutboxItem {
  id: number;
  personId: string | null;
  /** fido2.register, phone.add, email.add, method.delete … */
  operation: string;
  state: OutboxState;
  attempts: number;
  /** ISO 8601. */
  nextAttemptAt: string;
  /** The provider's answer in short (never a body or a secret). */
  lastError: string | null;
  createdAt: string;
  confirmedAt: string | null;
}

export interface OutboxOverview {
  counts: Record<OutboxState, number>;
  lastError: string | null;
  /** When the worker tries next (ISO 8601); null when nothing waits. */
  nextAttemptAt: string | null;
  items: OutboxItem[];
}

export interface IdpSyncResult {
  attempted: number;
  confirmed: number;
  failed: number;
  rescheduled: number;
  outbox: OutboxOverview;
}

/** The dashboard's line: methods the provider confirmed (never merely queued ones). */
export interface IdpSummary {
  linked: boolean;
  confirmedMethods: number;
  confirmedPeople: number;
  waiting: number;
  failed: number;
}

export interface ProviderMethod {
  providerMethodId: string;
  type: ProviderMethodType;
  /** Key model, device name, phone type or address. */
  label: string;
  detail: string;
  createdAt: string | null;
  /** A deletion is queued for the provider. */
  deleting: boolean;
  deletable: boolean;
}

/** Where a station method stands with the provider. */
export type MethodSyncState = 'local' | OutboxState;

export interface PersonProviderLink {
  /** The station is linked to a provider. */
  stationLinked: boolean;
  /** This person came from the provider (pulled). */
  linked: boolean;
  /** Still a member of the pulled group. */
  inGroup: boolean;
  providerMethods: ProviderMethod[];
  /** Station method id → its state with the provider ("local": nothing to send). */
  sync: Record<string, MethodSyncState>;
}

const guidOrName = z.string().trim().min(1).max(255);
const pem = z.string().max(20_000);
const itemIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const identityProviderCalls = {
  /** The saved connection (no secret), or the public-cloud defaults. */
  connection: call(z.object({}).strict()).returns<IdpConnection>(),
  /** Saves the connection; an empty secret / key keeps the stored one. Administrators only. */
  saveConnection: call(
    z
      .object({
        tenantId: guidOrName,
        clientId: z.string().trim().min(1).max(64),
        credentialKind: z.enum(['secret', 'certificate']),
        secret: z.string().max(1024).optional(),
        privateKeyPem: pem.optional(),
        certificatePem: pem.optional(),
        authorityHost: z.string().max(255).optional(),
        graphHost: z.string().max(255).optional(),
        groupId: z.string().max(64).optional(),
      })
      .strict(),
  ).returns<IdpConnection>(),
  /** Token, one group member, that member's methods: what is wrong, in plain words. */
  testConnection: call(z.object({}).strict()).returns<IdpConnectionCheck>(),
  /** The group's members into the roster, with the methods the provider holds. */
  pull: call(z.object({}).strict()).returns<IdpPullResult>(),
  outbox: call(
    z
      .object({
        state: z.enum(['pending', 'sent', 'confirmed', 'failed', 'discarded']).optional(),
      })
      .strict(),
  ).returns<OutboxOverview>(),
  /** Sends what is due now (never two workers at once). */
  sync: call(z.object({}).strict()).returns<IdpSyncResult>(),
  retry: call(z.object({ itemId: itemIdSchema }).strict()).returns<OutboxOverview>(),
  discard: call(z.object({ itemId: itemIdSchema }).strict()).returns<OutboxOverview>(),
  summary: call(z.object({}).strict()).returns<IdpSummary>(),
  /** A person's methods at the provider and the sync state of the station's own. */
  person: call(z.object({ personId: personIdSchema }).strict()).returns<PersonProviderLink>(),
  /** Reads the person's methods at the provider again. */
  refreshPerson: call(
    z.object({ personId: personIdSchema }).strict(),
  ).returns<PersonProviderLink>(),
  /** Deletes a method the provider holds (the UI asked to confirm): queued and sent. */
  deleteProviderMethod: call(
    z.object({ personId: personIdSchema, providerMethodId: z.string().min(1).max(256) }).strict(),
  ).returns<PersonProviderLink>(),
};

/**
 * The station's link to its identity provider (DESIGN.md §7, docs/IDP.md): connection settings
 * (secrets sealed), pull of a group into the roster with the methods the provider holds, the
 * provider's creation options for security keys, and the transactional outbox that carries the
 * station's changes to the provider — written in the same transaction as the local change, sent
 * by a worker with backoff, idempotent across crashes (a possibly-sent item is looked up at the
 * provider before it is sent again), and handed over through files for stations never online.
 */
import { createHash } from 'node:crypto';
import {
  IdpRepository,
  type IdpConnectionRow,
  type IdpOutboxRow,
  type OutboxState,
  type ProviderMethodRow,
} from '../../db/repositories/idp';
import { OathTokenRepository, type OathTokenRow } from '../../db/repositories/oathTokens';
import type { StationContext } from '../context';
import { StationError } from '../errors';
import type { MethodRow } from '../../db/repositories/methods';
import type { PeopleService } from '../people';
import type { MethodRegistry } from '../methods/registry';
import { totpCode } from '../methods/totp';
import type { PersonId } from '../types';
import { GraphProvider, PERMISSIONS, PUBLIC_CLOUD, type GraphCredential } from './graph';
import { hostOrigin } from './http';
import type {
  ConnectionCheck,
  ConnectionProblem,
  IdentityProvider,
  ProviderMethod,
  ProviderMethodType,
  ProviderReply,
  ProviderRequest,
} from './types';
import { PROVIDER_METHOD_TYPES } from './types';

/** Where a method shown on the Security info page lives. */
export type MethodOrigin = 'station' | 'provider';
export type SyncState = 'local' | OutboxState;

export interface IdpConnectionView {
  readonly configured: boolean;
  readonly tenantId: string;
  readonly clientId: string;
  readonly credentialKind: 'secret' | 'certificate';
  readonly hasSecret: boolean;
  readonly certificateThumbprint: string | null;
  readonly authorityHost: string;
  readonly graphHost: string;
  readonly groupId: string;
  readonly updatedAt: string | null;
}

export interface IdpConnectionInput {
  readonly tenantId: string;
  readonly clientId: string;
  readonly credentialKind: 'secret' | 'certificate';
  /** Omitted: keep the stored one. */
  readonly secret?: string;
  readonly privateKeyPem?: string;
  readonly certificatePem?: string;
  readonly authorityHost?: string;
  readonly graphHost?: string;
  readonly groupId?: string;
}

export interface ProviderMethodView {
  readonly providerMethodId: string;
  readonly type: ProviderMethodType;
  readonly label: string;
  readonly detail: string;
  readonly createdAt: string | null;
  readonly data: Record<string, string | number | boolean | null>;
  readonly deleting: boolean;
  readonly deletable: boolean;
}

export interface PersonLinkView {
  readonly linked: boolean;
  readonly providerId: string | null;
  readonly inGroup: boolean;
  readonly leftAt: string | null;
  readonly providerMethods: ProviderMethodView[];
  /** Station method id → sync state with the provider. */
  readonly sync: Record<string, SyncState>;
}

export interface PullResult {
  readonly people: number;
  readonly created: number;
  readonly updated: number;
  readonly left: number;
  readonly methods: number;
  readonly methodsUnread: number;
  readonly requests: number;
  readonly ms: number;
}

export interface OutboxItemView {
  readonly id: number;
  readonly key: string;
  readonly personId: number | null;
  readonly operation: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly confirmedAt: string | null;
  readonly providerMethodId: string | null;
}

export interface OutboxStatus {
  readonly counts: Record<OutboxState, number>;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly items: OutboxItemView[];
}

export interface PushResult {
  readonly attempted: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly rescheduled: number;
  readonly requests: number;
}

/** One line of an exported pending file: the exact request, and how to recognise it later. */
export interface PendingLine {
  readonly key: string;
  readonly upn: string;
  readonly operation: string;
  readonly method: ProviderRequest['method'];
  readonly path: string;
  readonly body: unknown;
  readonly match: Record<string, string>;
}

/** One line of a results file (what an online station's upload found). */
export interface ResultLine {
  readonly key: string;
  readonly state: 'confirmed' | 'failed';
  readonly providerMethodId: string | null;
  readonly error: string | null;
}

export interface IdpServiceOptions {
  /** Trust for a private CA (PEM), for both hosts. */
  readonly ca?: string;
  /** Builds the provider from the settings (tests may wrap it). */
  readonly providerFactory?: (s: ProviderSettings) => IdentityProvider;
  /** Waits `ms`; injected in tests so nothing sleeps in real time. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Online challenges: minutes until expiry (beta creationOptions). */
  readonly challengeMinutes?: number;
}

export interface ProviderSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: GraphCredential;
  readonly authorityOrigin: string;
  readonly graphOrigin: string;
  readonly ca?: string;
  readonly sleep?: (ms: number) => Promise<void>;
}

const SECRET_CONTEXT = 'idp.secret';
const KEY_CONTEXT = 'idp.certificateKey';
const BODY_CONTEXT = 'idp.outbox';
/** The sealing context of the OATH token inventory's secrets (OathTokenInventory). */
const OATH_CONTEXT = 'oath';
/** One outbox item per hardware OATH token: create (unless held), assign, activate, confirm. */
const OATH_OPERATION = 'hardwareOath.register';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT_NAME = /^[a-z0-9][a-z0-9-]{0,62}(\.[a-z0-9-]{1,63})+$/i;
const MAX_BACKOFF_S = 600;

/** The exact error text an operator sees for an item (never a body or a secret). */
function replyError(r: ProviderReply): string {
  switch (r.kind) {
    case 'throttled':
      return `throttled ${r.status}`;
    case 'serverError':
      return `server ${r.status} ${r.message}`.trim();
    case 'rejected':
      return `${r.status} ${r.code}${r.message ? `: ${r.message.slice(0, 200)}` : ''}`;
    case 'lost':
      return `no reply (${r.detail})`;
    case 'conflict':
      return `409 ${r.message.slice(0, 200)}`;
    default:
      return r.kind;
  }
}

export class IdpService {
  readonly repo: IdpRepository;
  private provider: IdentityProvider | null = null;
  private providerStamp = '';
  private readonly sleep: (ms: number) => Promise<void>;
  private running: Promise<PushResult> | null = null;

  constructor(
    private readonly ctx: StationContext,
    private readonly people: PeopleService,
    private readonly methods: MethodRegistry,
    private readonly opts: IdpServiceOptions = {},
  ) {
    this.repo = new IdpRepository(ctx.db);
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    methods.hooks.push({
      afterInsert: (row) => this.onMethodInserted(row),
      beforeRemove: (row) => this.onMethodRemoved(row),
    });
  }

  private now(): string {
    return this.ctx.clock().toISOString();
  }

  // ── connection ──────────────────────────────────────────────────────────────────────────

  connection(): IdpConnectionView {
    const c = this.repo.connection();
    if (!c)
      return {
        configured: false,
        tenantId: '',
        clientId: '',
        credentialKind: 'secret',
        hasSecret: false,
        certificateThumbprint: null,
        authorityHost: PUBLIC_CLOUD.authorityHost,
        graphHost: PUBLIC_CLOUD.graphHost,
        groupId: '',
        updatedAt: null,
      };
    return {
      configured: true,
      tenantId: c.tenant_id,
      clientId: c.client_id,
      credentialKind: c.credential_kind,
      hasSecret: c.secret_sealed !== null,
      certificateThumbprint: c.certificate_pem ? thumbprint(c.certificate_pem) : null,
      authorityHost: c.authority_host,
      graphHost: c.graph_host,
      groupId: c.group_id,
      updatedAt: c.updated_at,
    };
  }

  isLinked(): boolean {
    return this.repo.connection() !== undefined;
  }

  saveConnection(input: IdpConnectionInput): IdpConnectionView {
    this.ctx.session.assertAdmin();
    const tenantId = (input.tenantId ?? '').trim();
    const clientId = (input.clientId ?? '').trim();
    if (!GUID.test(tenantId) && !TENANT_NAME.test(tenantId))
      throw new StationError('idp.invalidSetting', { field: 'tenantId' });
    if (!GUID.test(clientId)) throw new StationError('idp.invalidSetting', { field: 'clientId' });
    const authorityHost = (input.authorityHost ?? '').trim() || PUBLIC_CLOUD.authorityHost;
    const graphHost = (input.graphHost ?? '').trim() || PUBLIC_CLOUD.graphHost;
    if (!hostOrigin(authorityHost))
      throw new StationError('idp.insecureHost', { field: 'authorityHost' });
    if (!hostOrigin(graphHost)) throw new StationError('idp.insecureHost', { field: 'graphHost' });
    const groupId = (input.groupId ?? '').trim();
    if (groupId && !GUID.test(groupId))
      throw new StationError('idp.invalidSetting', { field: 'groupId' });
    const old = this.repo.connection();
    let secretSealed: Buffer | null;
    let certificatePem: string | null = null;
    if (input.credentialKind === 'secret') {
      if (input.secret !== undefined && input.secret !== '') {
        if (input.secret.length > 1024 || /\s/.test(input.secret))
          throw new StationError('idp.invalidSetting', { field: 'secret' });
        secretSealed = this.ctx.keys.seal(Buffer.from(input.secret, 'utf8'), SECRET_CONTEXT);
      } else if (old?.credential_kind === 'secret' && old.secret_sealed) {
        secretSealed = old.secret_sealed;
      } else {
        throw new StationError('idp.invalidSetting', { field: 'secret' });
      }
    } else if (input.credentialKind === 'certificate') {
      if (input.privateKeyPem && input.certificatePem) {
        try {
          thumbprint(input.certificatePem);
          // Parse now so a bad key is refused here, not at the first token request.
          new GraphProvider({
            tenantId,
            clientId,
            credential: {
              kind: 'certificate',
              privateKeyPem: input.privateKeyPem,
              certificatePem: input.certificatePem,
            },
            authorityOrigin: 'https://login.microsoftonline.com',
            graphOrigin: 'https://graph.microsoft.com',
          });
        } catch {
          throw new StationError('idp.invalidSetting', { field: 'certificate' });
        }
        secretSealed = this.ctx.keys.seal(Buffer.from(input.privateKeyPem, 'utf8'), KEY_CONTEXT);
        certificatePem = input.certificatePem.trim();
      } else if (
        old?.credential_kind === 'certificate' &&
        old.secret_sealed &&
        old.certificate_pem
      ) {
        secretSealed = old.secret_sealed;
        certificatePem = old.certificate_pem;
      } else {
        throw new StationError('idp.invalidSetting', { field: 'certificate' });
      }
    } else {
      throw new StationError('idp.invalidSetting', { field: 'credentialKind' });
    }
    const row: IdpConnectionRow = {
      provider: 'graph',
      tenant_id: tenantId,
      client_id: clientId,
      credential_kind: input.credentialKind,
      secret_sealed: secretSealed,
      certificate_pem: certificatePem,
      authority_host: authorityHost,
      graph_host: graphHost,
      group_id: groupId,
      updated_at: this.now(),
    };
    this.ctx.db.transaction(() => {
      this.repo.saveConnection(row);
      this.ctx.audit.append('idp.connectionSaved', null, {
        tenantId,
        clientId,
        credentialKind: input.credentialKind,
        authorityHost,
        graphHost,
        credentialReplaced: (input.secret ?? input.privateKeyPem ?? '') !== '',
      });
    })();
    this.provider = null;
    return this.connection();
  }

  /** The provider for the saved settings (rebuilt when they change; tokens live in it, in memory). */
  providerOrThrow(): IdentityProvider {
    const c = this.repo.connection();
    if (!c || !c.secret_sealed) throw new StationError('idp.notConnected');
    const stamp = `${c.updated_at}|${c.tenant_id}|${c.client_id}`;
    if (this.provider && this.providerStamp === stamp) return this.provider;
    const unsealed = this.ctx.keys
      .open(c.secret_sealed, c.credential_kind === 'secret' ? SECRET_CONTEXT : KEY_CONTEXT)
      .toString('utf8');
    const credential: GraphCredential =
      c.credential_kind === 'secret'
        ? { kind: 'secret', secret: unsealed }
        : { kind: 'certificate', privateKeyPem: unsealed, certificatePem: c.certificate_pem ?? '' };
    const settings: ProviderSettings = {
      tenantId: c.tenant_id,
      clientId: c.client_id,
      credential,
      authorityOrigin: originOf(c.authority_host),
      graphOrigin: originOf(c.graph_host),
      ca: this.opts.ca,
      sleep: this.sleep,
    };
    this.provider = this.opts.providerFactory
      ? this.opts.providerFactory(settings)
      : new GraphProvider(settings);
    this.providerStamp = stamp;
    return this.provider;
  }

  async testConnection(): Promise<ConnectionCheck> {
    this.ctx.session.assertStaff();
    const provider = this.providerOrThrow();
    const check = await provider.testConnection(this.repo.connection()?.group_id ?? '');
    // Permissions granted after a failed check show only in a new token: the next check (and
    // everything after it) starts without the cached one.
    if (!check.ok) this.provider = null;
    return check;
  }

  // ── pull ────────────────────────────────────────────────────────────────────────────────

  /**
   * Members of the group (transitive, paged) into the roster: matched by the provider's object
   * id, then by UPN; new people created; people no longer in the group marked as left (never
   * deleted). Then each person's methods at the provider, read in batches.
   */
  async pull(opts: { groupId?: string; methods?: boolean } = {}): Promise<PullResult> {
    this.ctx.session.assertStaff();
    const provider = this.providerOrThrow();
    const groupId = opts.groupId ?? this.repo.connection()?.group_id ?? '';
    if (!GUID.test(groupId)) throw new StationError('idp.invalidSetting', { field: 'groupId' });
    const started = Date.now();
    const requests0 = provider.requestCount;
    // Strictly later than any earlier pull's stamp, so "not seen in this pull" is exact.
    const pullStamp = this.now();
    let created = 0;
    let updated = 0;
    const seen: { personId: number; providerId: string }[] = [];
    try {
      for await (const page of provider.groupMembers(groupId)) {
        this.ctx.db.transaction(() => {
          for (const u of page) {
            const byId = this.repo.personByProviderId(u.id);
            let person = byId ? this.people.find(byId.person_id) : undefined;
            person ??= this.people.findByUpn(u.upn);
            const values = {
              displayName: u.displayName.slice(0, 256),
              department: u.department.slice(0, 128),
            };
            if (!person) {
              try {
                person = this.people.create({ upn: u.upn, ...values });
                created++;
              } catch (e) {
                if (e instanceof StationError) continue; // a UPN the roster can't hold
                throw e;
              }
            } else if (
              person.displayName !== values.displayName ||
              person.department !== values.department
            ) {
              person = this.people.update(person.id, values);
              updated++;
            }
            this.repo.linkPerson(person.id, u.id, pullStamp);
            seen.push({ personId: person.id, providerId: u.id });
          }
        })();
      }
    } catch (e) {
      throw this.providerFailure(e, {
        permission: PERMISSIONS.groupRead,
        notFound: 'idp.groupNotFound',
      });
    }
    const left = this.ctx.db.transaction(() => this.repo.markLeft(pullStamp, this.now()))();
    let methodCount = 0;
    let unread = 0;
    if (opts.methods !== false && seen.length > 0) {
      const CHUNK = 200;
      for (let i = 0; i < seen.length; i += CHUNK) {
        const chunk = seen.slice(i, i + CHUNK);
        let found: Map<string, ProviderMethod[]>;
        try {
          found = await provider.methodsOf(chunk.map((s) => s.providerId));
        } catch (e) {
          throw this.providerFailure(e, { permission: PERMISSIONS.methodsRead });
        }
        this.ctx.db.transaction(() => {
          for (const s of chunk) {
            const methods = found.get(s.providerId);
            if (!methods) {
              unread++;
              continue;
            }
            methodCount += methods.length;
            this.storeProviderMethods(s.personId, methods);
          }
        })();
      }
    }
    const result: PullResult = {
      people: seen.length,
      created,
      updated,
      left,
      methods: methodCount,
      methodsUnread: unread,
      requests: provider.requestCount - requests0,
      ms: Date.now() - started,
    };
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('idp.pulled', null, {
        groupId,
        people: result.people,
        created,
        updated,
        left,
        methods: methodCount,
      }),
    )();
    return result;
  }

  /** Reads one person's provider methods again (Security info "refresh"). */
  async refreshPerson(personId: PersonId): Promise<PersonLinkView> {
    this.people.get(personId);
    const link = this.repo.personLink(personId);
    if (!link) throw new StationError('idp.personNotLinked');
    const provider = this.providerOrThrow();
    let found: Map<string, ProviderMethod[]>;
    try {
      found = await provider.methodsOf([link.provider_id]);
    } catch (e) {
      throw this.providerFailure(e, { permission: PERMISSIONS.methodsRead });
    }
    const methods = found.get(link.provider_id);
    if (methods) this.ctx.db.transaction(() => this.storeProviderMethods(personId, methods))();
    return this.personView(personId);
  }

  private storeProviderMethods(personId: number, methods: readonly ProviderMethod[]): void {
    // A delete already queued stays marked until the provider confirms it.
    const deleting = new Set(
      this.repo
        .providerMethods(personId)
        .filter((m) => m.deleting === 1)
        .map((m) => m.provider_method_id),
    );
    this.repo.replaceProviderMethods(
      personId,
      methods.map((m) => ({
        providerMethodId: m.id,
        type: m.type,
        label: m.label,
        detail: m.detail,
        data: JSON.stringify(m.data),
        createdAt: m.createdAt,
      })),
      this.now(),
      deleting,
    );
  }

  /**
   * A failed provider call in the operator's words. A 401 or 403 names the permission of the call
   * that failed (`call.permission`); a 404 is "no such group" only for the group read.
   */
  private providerFailure(
    e: unknown,
    call: { permission: string; notFound?: 'idp.groupNotFound' },
  ): StationError {
    if (e instanceof StationError) return e;
    const problem = (e as { problem?: { code?: string; permission?: string } }).problem;
    if (problem?.code === 'idp.missingPermission' && problem.permission)
      return new StationError('idp.missingPermission', { permission: problem.permission });
    if (problem?.code === 'idp.badCredential') return new StationError('idp.badCredential');
    if (problem?.code === 'idp.unknownTenant') return new StationError('idp.unknownTenant');
    if (problem?.code === 'idp.unknownApp') return new StationError('idp.unknownApp');
    if (problem?.code === 'idp.untrustedCertificate')
      return new StationError('idp.untrustedCertificate');
    if (problem?.code === 'idp.noNetwork' || (e as Error)?.name === 'NetworkError')
      return new StationError('idp.noNetwork');
    const status = (e as { status?: number }).status;
    if (status === 403 || status === 401)
      return new StationError('idp.missingPermission', { permission: call.permission });
    if (status === 404 && call.notFound) return new StationError(call.notFound);
    return new StationError('idp.providerError', { detail: String(status ?? 'unknown') });
  }

  // ── what the Security info page shows ───────────────────────────────────────────────────

  personView(personId: PersonId): PersonLinkView {
    const link = this.repo.personLink(personId);
    const sync: Record<string, SyncState> = {};
    const syncMap = this.repo.methodSync(personId);
    for (const [methodId, s] of syncMap) sync[String(methodId)] = s.state;
    // What the station pushed and the provider confirmed is shown once, as the station's method.
    const ours = new Set(
      [...syncMap.values()].map((s) => s.providerMethodId).filter((x): x is string => !!x),
    );
    const providerMethods = link
      ? this.repo
          .providerMethods(personId)
          .filter((m) => !ours.has(m.provider_method_id))
          .map(providerMethodView)
      : [];
    return {
      linked: link !== undefined,
      providerId: link?.provider_id ?? null,
      inGroup: link ? link.in_group === 1 : false,
      leftAt: link?.left_at ?? null,
      providerMethods,
      sync,
    };
  }

  /** A person linked to the provider (security keys are then made against its options). */
  linkedProviderId(personId: PersonId): string | null {
    if (!this.isLinked()) return null;
    return this.repo.personLink(personId)?.provider_id ?? null;
  }

  /**
   * Deletes a method the provider holds (asked for confirmation in the UI): queued for the
   * provider in the same transaction that marks it, sent by the worker.
   */
  deleteProviderMethod(personId: PersonId, providerMethodId: string): PersonLinkView {
    this.people.get(personId);
    const link = this.repo.personLink(personId);
    if (!link) throw new StationError('idp.personNotLinked');
    const m = this.repo.providerMethod(personId, providerMethodId);
    if (!m) throw new StationError('method.notFound');
    const type = m.type as ProviderMethodType;
    if (!isDeletable(type)) throw new StationError('idp.notDeletable', { type });
    const provider = this.providerOrThrow();
    const request = provider.deletion(link.provider_id, type, providerMethodId);
    this.ctx.db.transaction(() => {
      this.repo.markProviderMethodDeleting(personId, providerMethodId);
      this.enqueue(personId, `delete:${type}:${providerMethodId}`, 'method.delete', request, {
        providerMethodId,
        type,
      });
      this.ctx.audit.append('idp.methodDeleteRequested', personId, { type, providerMethodId });
    })();
    this.kick();
    return this.personView(personId);
  }

  /**
   * Sets a linked person's password at the provider (a verified self-service reset). Sent at
   * once and never stored: `offline` when the provider can't be reached, `notManaged` when the
   * provider does not manage this password (synchronized from an on-premises directory),
   * `rejected` when it refused the password (its banned words), `denied` without the permission.
   */
  async setPassword(
    personId: PersonId,
    password: string,
    forceChangeNextSignIn: boolean,
  ): Promise<'ok' | 'offline' | 'notManaged' | 'rejected' | 'denied' | 'notLinked'> {
    const providerId = this.linkedProviderId(personId);
    if (!providerId) return 'notLinked';
    let provider: IdentityProvider;
    try {
      provider = this.providerOrThrow();
    } catch {
      return 'offline';
    }
    const reply = await provider.send(
      provider.passwordChange(providerId, password, forceChangeNextSignIn),
    );
    if (reply.kind === 'ok') return 'ok';
    if (reply.kind === 'stopped' && reply.problem.code === 'idp.missingPermission') return 'denied';
    if (reply.kind === 'rejected') {
      if (reply.status === 403 || reply.status === 401) return 'denied';
      if (/on-premises|Directory Sync/i.test(reply.message)) return 'notManaged';
      return 'rejected';
    }
    return 'offline';
  }

  // ── creation options (security keys for linked people) ──────────────────────────────────

  /**
   * The provider's creation options for this person: an unused, unexpired set (imported or
   * fetched earlier), else — online — a fresh one. Offline without one: a clear error.
   */
  async creationOptionsFor(
    personId: PersonId,
    opts: { fresh?: boolean } = {},
  ): Promise<{ challenge: string; expiresAt: string; publicKey: Record<string, unknown> }> {
    const providerId = this.linkedProviderId(personId);
    if (!providerId) throw new StationError('idp.personNotLinked');
    const now = this.now();
    if (!opts.fresh) {
      const stored = this.repo.freshCreationOptions(personId, now);
      if (stored)
        return {
          challenge: stored.challenge,
          expiresAt: stored.expires_at,
          publicKey: JSON.parse(stored.options) as Record<string, unknown>,
        };
    }
    const provider = this.providerOrThrow();
    let issued;
    try {
      issued = await provider.creationOptions(providerId, this.opts.challengeMinutes ?? 5);
    } catch (e) {
      const err = this.providerFailure(e, { permission: PERMISSIONS.passkeyWrite });
      if (err.code === 'idp.noNetwork') {
        const expired = this.repo.latestCreationOptions(personId);
        throw new StationError(expired ? 'idp.challengeExpired' : 'idp.noCreationOptions', {
          online: false,
        });
      }
      throw err;
    }
    const challenge = String(issued.publicKey.challenge);
    this.ctx.db.transaction(() => {
      this.repo.saveCreationOptions(
        personId,
        challenge,
        JSON.stringify(issued.publicKey),
        'online',
        issued.expiresAt,
        now,
      );
    })();
    return { challenge, expiresAt: issued.expiresAt, publicKey: issued.publicKey };
  }

  /** Checks options still valid right before the key is asked to create (clear message when not). */
  assertChallengeValid(challenge: string, expiresAt: string): void {
    if (Date.parse(expiresAt) <= this.ctx.clock().getTime())
      throw new StationError('idp.challengeExpired', { online: this.isLinked() });
    void challenge;
  }

  /**
   * Imports creation options issued earlier (JSON lines: `{ "upn" | "userId", "challengeTimeoutDateTime",
   * "publicKey" }`, or the Graph reply itself with a `upn`), for stations that are never online.
   */
  importCreationOptions(text: string): { imported: number; skipped: number; errors: number[] } {
    this.ctx.session.assertStaff();
    const now = this.now();
    let imported = 0;
    let skipped = 0;
    const errors: number[] = [];
    const lines = text.split(/\r?\n/);
    this.ctx.db.transaction(() => {
      lines.forEach((line, i) => {
        if (!line.trim()) return;
        let j: Record<string, unknown>;
        try {
          j = JSON.parse(line) as Record<string, unknown>;
        } catch {
          errors.push(i + 1);
          return;
        }
        const body = (j.value && typeof j.value === 'object' ? j.value : j) as Record<
          string,
          unknown
        >;
        const pk = stripOData(body.publicKey ?? j.publicKey) as Record<string, unknown> | null;
        const expires = String(body.challengeTimeoutDateTime ?? j.challengeTimeoutDateTime ?? '');
        const upn = typeof j.upn === 'string' ? j.upn : '';
        const userId = typeof j.userId === 'string' ? j.userId : '';
        const link = userId ? this.repo.personByProviderId(userId) : undefined;
        const person = link
          ? this.people.find(link.person_id)
          : upn
            ? this.people.findByUpn(upn)
            : undefined;
        if (
          !pk ||
          typeof pk.challenge !== 'string' ||
          Number.isNaN(Date.parse(expires)) ||
          !person
        ) {
          errors.push(i + 1);
          return;
        }
        if (!this.repo.personLink(person.id)) {
          errors.push(i + 1);
          return;
        }
        const ok = this.repo.saveCreationOptions(
          person.id,
          pk.challenge,
          JSON.stringify(pk),
          'imported',
          new Date(expires).toISOString(),
          now,
        );
        if (ok) imported++;
        else skipped++;
      });
      this.ctx.audit.append('idp.optionsImported', null, {
        imported,
        skipped,
        errors: errors.length,
      });
    })();
    return { imported, skipped, errors };
  }

  /**
   * Queues a security key made against the provider's options, in the caller's transaction
   * (SecurityKeyEnrollment.complete): the exact registration request, kept until confirmed.
   */
  enqueueFido2(
    personId: PersonId,
    methodId: number,
    challenge: string,
    displayName: string,
    reg: {
      id: string;
      clientDataJSON: string;
      attestationObject: string;
      clientExtensionResults: unknown;
    },
  ): void {
    if (!this.ctx.db.inTransaction) throw new Error('enqueueFido2 needs a transaction');
    const providerId = this.linkedProviderId(personId);
    if (!providerId) throw new StationError('idp.personNotLinked');
    const provider = this.providerOrThrow();
    this.repo.useCreationOptions(challenge, this.now());
    this.enqueue(
      personId,
      `fido2:${reg.id}`,
      'fido2.register',
      provider.fido2Registration(providerId, displayName, reg),
      { credentialId: reg.id },
      methodId,
    );
  }

  // ── hooks from the method registry (same transaction as the local change) ──────────────

  private onMethodInserted(row: MethodRow): void {
    if (!this.isLinked()) return;
    const providerId = this.repo.personLink(row.person_id)?.provider_id;
    if (!providerId) return;
    const provider = this.providerOrThrow();
    if (row.kind === 'phoneSms' || row.kind === 'phoneCall') {
      // The provider holds one number per phone type (mobile, alternate mobile, office); a call
      // to another phone keeps its type, texts always go to the mobile.
      const data = JSON.parse(row.data) as { phoneType?: unknown };
      const phoneType =
        row.kind === 'phoneCall' &&
        (data.phoneType === 'alternateMobile' || data.phoneType === 'office')
          ? data.phoneType
          : 'mobile';
      const request = provider.phoneRegistration(providerId, row.detail, phoneType);
      this.enqueue(row.person_id, `phone:${row.id}`, 'phone.add', request, { phoneType }, row.id);
    } else if (row.kind === 'hardwareToken') {
      const token = new OathTokenRepository(this.ctx.db).find(row.detail);
      if (!token) return;
      const request = provider.hardwareOathRegistration({
        serialNumber: token.serial,
        manufacturer: token.manufacturer,
        model: token.model,
        timeIntervalInSeconds: token.period,
        displayName: row.label,
      });
      this.enqueue(
        row.person_id,
        `hardwareOath:${row.id}`,
        OATH_OPERATION,
        request,
        { serialNumber: token.serial },
        row.id,
      );
      // Online, it goes at once (enqueue), close to the person's own code.
    } else if (row.kind === 'email') {
      const request = provider.emailRegistration(providerId, row.detail);
      this.enqueue(
        row.person_id,
        `email:${row.id}`,
        'email.add',
        request,
        { emailAddress: row.detail },
        row.id,
      );
    }
  }

  /**
   * A host that pushes by itself sends a local change as soon as its transaction is over (the
   * hooks run inside it); before that the item is not committed, and if the station closes
   * meanwhile it waits in the outbox for the next push.
   */
  private sendSoon(): void {
    setImmediate(() => {
      try {
        this.kick();
      } catch {
        // The station closed meanwhile.
      }
    });
  }

  private onMethodRemoved(row: MethodRow): void {
    const created = this.repo.createdFor(row.id);
    if (!created) return;
    if (created.state === 'pending') {
      // Never sent: nothing to undo at the provider.
      this.repo.discard(created.id);
      return;
    }
    if (created.state === 'discarded' || created.state === 'failed') return;
    const link = this.repo.personLink(row.person_id);
    if (!link) return;
    const type: ProviderMethodType =
      created.operation === 'fido2.register'
        ? 'fido2'
        : created.operation === 'phone.add'
          ? 'phone'
          : created.operation === OATH_OPERATION
            ? 'hardwareOath'
            : 'email';
    const provider = this.providerOrThrow();
    // The provider id is known once the create is confirmed; filled in when sent.
    const request = provider.deletion(link.provider_id, type, '{providerMethodId}');
    this.enqueue(
      row.person_id,
      `delete:method:${row.id}`,
      'method.delete',
      request,
      { createdItem: String(created.id), type },
      null,
    );
  }

  private enqueue(
    personId: number | null,
    key: string,
    operation: string,
    request: ProviderRequest,
    match: Record<string, string>,
    methodId: number | null = null,
  ): void {
    this.repo.enqueue({
      itemKey: key,
      personId,
      operation,
      httpMethod: request.method,
      path: request.path,
      bodySealed:
        request.body === null || request.body === undefined
          ? null
          : this.ctx.keys.seal(Buffer.from(JSON.stringify(request.body), 'utf8'), BODY_CONTEXT),
      match: JSON.stringify(match),
      methodId,
      providerMethodId: match.providerMethodId ?? null,
      at: this.now(),
    });
    this.sendSoon();
  }

  private requestOf(row: IdpOutboxRow): ProviderRequest {
    return {
      method: row.http_method,
      path: row.path,
      body: row.body_sealed
        ? (JSON.parse(
            this.ctx.keys.open(row.body_sealed, BODY_CONTEXT).toString('utf8'),
          ) as unknown)
        : null,
    };
  }

  // ── the worker ──────────────────────────────────────────────────────────────────────────

  /** Sends what is due now, in order; one pass. */
  async pushOnce(opts: { limit?: number } = {}): Promise<PushResult> {
    const provider = this.providerOrThrow();
    const requests0 = provider.requestCount;
    const due = this.repo.due(this.now(), opts.limit ?? 100);
    let confirmed = 0;
    let failed = 0;
    let rescheduled = 0;
    for (const row of due) {
      const outcome = await this.process(provider, row);
      if (outcome === 'confirmed') confirmed++;
      else if (outcome === 'failed') failed++;
      else rescheduled++;
    }
    return {
      attempted: due.length,
      confirmed,
      failed,
      rescheduled,
      requests: provider.requestCount - requests0,
    };
  }

  /**
   * Sends until nothing is pending (waiting out Retry-After and backoff with the injected sleep),
   * or until `maxWaitMs` of waiting has passed.
   */
  async push(opts: { maxWaitMs?: number } = {}): Promise<PushResult> {
    const total = { attempted: 0, confirmed: 0, failed: 0, rescheduled: 0, requests: 0 };
    let waited = 0;
    for (;;) {
      const r = await this.pushOnce();
      total.attempted += r.attempted;
      total.confirmed += r.confirmed;
      total.failed += r.failed;
      total.rescheduled += r.rescheduled;
      total.requests += r.requests;
      const next = this.repo.nextDueAt();
      if (!next) return total;
      const wait = Math.max(0, Date.parse(next) - this.ctx.clock().getTime());
      if (wait > 0) {
        if (waited + wait > (opts.maxWaitMs ?? 15 * 60_000)) return total;
        waited += wait;
        await this.sleep(wait);
      }
    }
  }

  /** Starts a push in the background unless one runs (after a local change on a linked station). */
  kick(): void {
    if (this.running || !this.autoPush || !this.isLinked()) return;
    this.running = this.push({ maxWaitMs: 60_000 })
      .catch(() => ({ attempted: 0, confirmed: 0, failed: 0, rescheduled: 0, requests: 0 }))
      .finally(() => {
        this.running = null;
      });
  }

  /**
   * "Sync now" from the operator console: one pass over what is due, never beside the background
   * worker's (two senders could both send an item before either marks it). Waits for nothing:
   * what must wait (Retry-After, backoff) shows as the next try.
   */
  async syncNow(): Promise<PushResult> {
    this.ctx.session.assertStaff();
    while (this.running) await this.running;
    const run = this.push({ maxWaitMs: 0 });
    this.running = run
      .catch(() => ({ attempted: 0, confirmed: 0, failed: 0, rescheduled: 0, requests: 0 }))
      .finally(() => {
        this.running = null;
      });
    try {
      return await run;
    } catch (e) {
      throw this.providerFailure(e, { permission: PERMISSIONS.methodsWrite });
    }
  }

  /** The dashboard's figures: methods the provider confirmed, and what still waits. */
  summary(): {
    linked: boolean;
    confirmedMethods: number;
    confirmedPeople: number;
    waiting: number;
    failed: number;
  } {
    const counts = this.repo.stateCounts();
    const confirmed = this.repo.confirmedCounts();
    return {
      linked: this.isLinked(),
      confirmedMethods: confirmed.items,
      confirmedPeople: confirmed.people,
      waiting: counts.pending + counts.sent,
      failed: counts.failed,
    };
  }

  /** Hosts turn this on: local changes are pushed at once when online. */
  autoPush = false;

  private backoff(attempts: number): number {
    return Math.min(MAX_BACKOFF_S, 2 ** Math.min(attempts, 10));
  }

  private later(seconds: number): string {
    return new Date(this.ctx.clock().getTime() + seconds * 1000).toISOString();
  }

  private async process(
    provider: IdentityProvider,
    row: IdpOutboxRow,
  ): Promise<'confirmed' | 'failed' | 'later'> {
    if (row.operation === OATH_OPERATION) return this.processHardwareOath(provider, row);
    let request = this.requestOf(row);
    const match = JSON.parse(row.match) as Record<string, string>;
    // A delete of a station method: the provider id comes from its confirmed create.
    if (hasPlaceholder(request.path)) {
      const created = this.repo.outboxItem(Number(match.createdItem));
      if (!created || created.state === 'discarded' || created.state === 'failed') {
        this.confirm(row, null, {});
        return 'confirmed';
      }
      if (created.state !== 'confirmed' || !created.provider_method_id) {
        this.ctx.db.transaction(() =>
          this.repo.reschedule(row.id, this.later(this.backoff(1)), 'waiting for the create'),
        )();
        return 'later';
      }
      request = { ...request, path: fillPlaceholder(request.path, created.provider_method_id) };
    }
    // It may have reached the provider before (crash, lost reply): look before sending again.
    if (row.state === 'sent' && request.method === 'POST') {
      const seen = await provider.lookup(request, match);
      if ('unreachable' in seen) {
        if (seen.unreachable.kind === 'stopped') this.stop(row, seen.unreachable.problem, false);
        return this.retryLater(row, seen.unreachable, true);
      }
      if (seen.found) {
        this.confirm(row, seen.found, { id: seen.found, foundByLookup: true });
        return 'confirmed';
      }
    }
    this.ctx.db.transaction(() => this.repo.markSent(row.id, this.now()))();
    const reply = await provider.send(request);
    switch (reply.kind) {
      case 'ok':
        this.confirm(row, provider.createdId(reply.json) ?? row.provider_method_id, reply.json);
        return 'confirmed';
      case 'gone':
        this.confirm(row, row.provider_method_id, {});
        return 'confirmed';
      case 'conflict': {
        const seen = await provider.lookup(request, match);
        if ('found' in seen && seen.found) {
          this.confirm(row, seen.found, { id: seen.found, foundByLookup: true });
          return 'confirmed';
        }
        this.fail(row, replyError(reply));
        return 'failed';
      }
      case 'rejected':
        this.fail(row, replyError(reply));
        return 'failed';
      case 'stopped':
        // Not processed (no token, no permission, no network): the push stops here, the item
        // stays queued for when the operator has fixed it.
        return this.stop(row, reply.problem, true);
      default:
        return this.retryLater(row, reply);
    }
  }

  /**
   * A hardware OATH token: every step is looked up before it is sent (GraphProvider), so a replay
   * after a crash or a lost reply repeats nothing. The secret is opened from the token inventory
   * only for the create, and the activation code is computed from it at the moment of sending
   * (docs/IDP.md "Hardware OATH tokens"); neither is written to the outbox or the audit.
   */
  private async processHardwareOath(
    provider: IdentityProvider,
    row: IdpOutboxRow,
  ): Promise<'confirmed' | 'failed' | 'later'> {
    const match = JSON.parse(row.match) as Record<string, string>;
    const token = new OathTokenRepository(this.ctx.db).find(match.serialNumber ?? '');
    const link = row.person_id !== null ? this.repo.personLink(row.person_id) : undefined;
    if (!token || !link) {
      this.fail(row, token ? 'person not linked' : 'token not in the inventory');
      return 'failed';
    }
    const request = this.requestOf(row);
    const body = (request.body ?? {}) as { displayName?: unknown };
    this.ctx.db.transaction(() => this.repo.markSent(row.id, this.now()))();
    const outcome = await this.registerToken(
      provider,
      link.provider_id,
      token,
      typeof body.displayName === 'string' ? body.displayName : token.serial,
    );
    if (outcome.kind === 'confirmed') {
      this.confirm(row, outcome.methodId, {
        id: outcome.methodId,
        deviceId: outcome.deviceId,
        serialNumber: token.serial,
      });
      return 'confirmed';
    }
    const reply = outcome.reply;
    switch (reply.kind) {
      case 'stopped':
        return this.stop(row, reply.problem, false);
      case 'rejected':
      case 'conflict':
        this.fail(row, `${outcome.step}: ${replyError(reply)}`);
        return 'failed';
      default:
        return this.retryLater(row, reply, true);
    }
  }

  /** Opens the token's secret for this one call; its code is computed when activation is sent. */
  private registerToken(
    provider: IdentityProvider,
    providerUserId: string,
    token: OathTokenRow,
    displayName: string,
  ) {
    const secretKey = this.ctx.keys.open(token.secret, OATH_CONTEXT).toString('ascii');
    const params = { period: token.period, digits: token.digits, algorithm: 'SHA1' } as const;
    return provider.registerHardwareOath(
      providerUserId,
      {
        serialNumber: token.serial,
        manufacturer: token.manufacturer,
        model: token.model,
        timeIntervalInSeconds: token.period,
        displayName,
        secretKey,
      },
      () => totpCode(secretKey, params, this.ctx.clock()),
    );
  }

  /**
   * The provider can't take anything now: the item keeps its place (back to pending when it was
   * certainly not processed) and the push ends with the problem in the operator's words.
   */
  private stop(row: IdpOutboxRow, problem: ConnectionProblem, notProcessed: boolean): never {
    const error = problemError(problem);
    this.ctx.db.transaction(() => {
      this.repo.reschedule(row.id, this.now(), error.lastError, notProcessed);
    })();
    throw error.error;
  }

  /** `mayHaveArrived`: the item was possibly sent before, so it stays "sent" (look up first). */
  private retryLater(row: IdpOutboxRow, reply: ProviderReply, mayHaveArrived = false): 'later' {
    const attempts = row.attempts + 1;
    const seconds =
      reply.kind === 'throttled'
        ? (reply.retryAfterSeconds ?? this.backoff(attempts))
        : reply.kind === 'lost'
          ? 0
          : this.backoff(attempts);
    this.ctx.db.transaction(() => {
      this.repo.reschedule(
        row.id,
        this.later(seconds),
        replyError(reply),
        // Only a 429 says for sure the provider did not act on the request.
        !mayHaveArrived && reply.kind === 'throttled' && reply.status === 429,
      );
    })();
    return 'later';
  }

  private confirm(row: IdpOutboxRow, providerMethodId: string | null, result: unknown): void {
    const personId = row.person_id;
    this.ctx.db.transaction(() => {
      this.repo.markConfirmed(
        row.id,
        this.now(),
        providerMethodId,
        JSON.stringify(stripOData(result) ?? {}),
      );
      if (personId !== null && row.http_method === 'DELETE') {
        const m = JSON.parse(row.match) as Record<string, string>;
        if (m.providerMethodId) this.repo.removeProviderMethod(personId, m.providerMethodId);
      }
      this.ctx.audit.append('idp.pushConfirmed', personId, {
        item: row.id,
        operation: row.operation,
        providerMethodId,
      });
    })();
  }

  private fail(row: IdpOutboxRow, error: string): void {
    this.ctx.db.transaction(() => {
      this.repo.markFailed(row.id, error);
      this.ctx.audit.append('idp.pushFailed', row.person_id, {
        item: row.id,
        operation: row.operation,
      });
    })();
  }

  // ── the operator's view of the queue ───────────────────────────────────────────────────

  outboxStatus(opts: { state?: OutboxState; limit?: number } = {}): OutboxStatus {
    this.ctx.session.assertStaff();
    return {
      counts: this.repo.stateCounts(),
      lastError: this.repo.lastError(),
      nextAttemptAt: this.repo.nextDueAt(),
      items: this.repo.listOutbox(opts).map(itemView),
    };
  }

  retry(itemId: number): OutboxStatus {
    this.ctx.session.assertStaff();
    this.ctx.db.transaction(() => {
      if (!this.repo.retry(itemId, this.now())) throw new StationError('idp.itemNotFailed');
      this.ctx.audit.append('idp.outboxRetried', null, { item: itemId });
    })();
    this.kick();
    return this.outboxStatus();
  }

  discard(itemId: number): OutboxStatus {
    this.ctx.session.assertStaff();
    this.ctx.db.transaction(() => {
      const row = this.repo.outboxItem(itemId);
      if (!row || row.state !== 'failed') throw new StationError('idp.itemNotFailed');
      this.repo.discard(itemId);
      if (row.person_id !== null && row.http_method === 'DELETE') {
        // The provider still holds it: no longer marked as being deleted.
        const m = JSON.parse(row.match) as Record<string, string>;
        if (m.providerMethodId)
          this.repo.clearProviderMethodDeleting(row.person_id, m.providerMethodId);
      }
      this.ctx.audit.append('idp.outboxDiscarded', row.person_id, { item: itemId });
    })();
    return this.outboxStatus();
  }

  /** Dashboard: station methods confirmed by the provider. */
  confirmedCounts(): { methods: number; people: number } {
    const c = this.repo.confirmedCounts();
    return { methods: c.items, people: c.people };
  }

  // ── air-gapped hand-off ────────────────────────────────────────────────────────────────

  /**
   * Everything not yet confirmed, as exact requests (JSON lines) and a CSV report for people.
   * Exported items count as possibly sent: if this station later goes online it looks first.
   */
  exportPending(): { jsonl: string; csv: string; count: number } {
    this.ctx.session.assertStaff();
    const items = this.repo.openItems();
    const lines: string[] = [];
    const csv = ['upn,operation,key,created,state'];
    this.ctx.db.transaction(() => {
      for (const row of items) {
        const person = row.person_id !== null ? this.people.find(row.person_id) : undefined;
        const match = JSON.parse(row.match) as Record<string, string>;
        if (row.operation === OATH_OPERATION) {
          // No secret travels (the body never held it): the uploading station activates the
          // token from its own inventory (docs/IDP.md "Hardware OATH tokens"). Whose token it
          // is goes along, so that station can check the person against its own roster.
          const providerId = row.person_id !== null ? this.linkedProviderId(row.person_id) : null;
          if (!providerId) continue;
          match.userId = providerId;
        }
        let request = this.requestOf(row);
        if (hasPlaceholder(request.path)) {
          const created = this.repo.outboxItem(
            Number((JSON.parse(row.match) as Record<string, string>).createdItem),
          );
          if (!created?.provider_method_id) continue; // exported once its create is confirmed
          request = { ...request, path: fillPlaceholder(request.path, created.provider_method_id) };
        }
        const line: PendingLine = {
          key: `${this.ctx.stationId}:${row.item_key}`,
          upn: person?.upn ?? '',
          operation: row.operation,
          method: request.method,
          path: request.path,
          body: request.body,
          match,
        };
        lines.push(JSON.stringify(line));
        csv.push(
          [line.upn, row.operation, line.key, row.created_at, row.state].map(csvCell).join(','),
        );
        if (row.state === 'pending') this.repo.markSent(row.id, this.now());
      }
      this.ctx.audit.append('idp.pendingExported', null, { items: lines.length });
    })();
    return {
      jsonl: lines.length ? `${lines.join('\n')}\n` : '',
      csv: `${csv.join('\n')}\n`,
      count: lines.length,
    };
  }

  /**
   * On an online station: sends another station's pending file (looking each item up first, so
   * uploading the same file twice never registers anything twice) and returns the results file.
   */
  async uploadPending(
    jsonl: string,
  ): Promise<{ results: string; confirmed: number; failed: number }> {
    this.ctx.session.assertStaff();
    const provider = this.providerOrThrow();
    const out: ResultLine[] = [];
    for (const raw of jsonl.split(/\r?\n/)) {
      if (!raw.trim()) continue;
      let line: PendingLine;
      try {
        line = JSON.parse(raw) as PendingLine;
      } catch {
        continue;
      }
      if (
        !line.key ||
        !['POST', 'DELETE', 'PATCH'].includes(line.method) ||
        !line.path?.startsWith('/')
      )
        continue;
      if (line.operation === OATH_OPERATION) {
        out.push(await this.uploadHardwareOath(provider, line));
        continue;
      }
      const request: ProviderRequest = { method: line.method, path: line.path, body: line.body };
      out.push(await this.sendWithRetries(provider, line.key, request, line.match ?? {}));
    }
    const confirmed = out.filter((r) => r.state === 'confirmed').length;
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('idp.pendingUploaded', null, {
        confirmed,
        failed: out.length - confirmed,
      }),
    )();
    return {
      results: out.map((r) => JSON.stringify(r)).join('\n') + (out.length ? '\n' : ''),
      confirmed,
      failed: out.length - confirmed,
    };
  }

  private async sendWithRetries(
    provider: IdentityProvider,
    key: string,
    request: ProviderRequest,
    match: Record<string, string>,
  ): Promise<ResultLine> {
    for (let attempt = 0; attempt < 8; attempt++) {
      if (request.method === 'POST') {
        const seen = await provider.lookup(request, match);
        if ('found' in seen && seen.found)
          return { key, state: 'confirmed', providerMethodId: seen.found, error: null };
        if ('unreachable' in seen && seen.unreachable.kind === 'stopped')
          throw problemError(seen.unreachable.problem).error;
      }
      const reply = await provider.send(request);
      if (reply.kind === 'stopped') throw problemError(reply.problem).error;
      if (reply.kind === 'ok')
        return {
          key,
          state: 'confirmed',
          providerMethodId: provider.createdId(reply.json),
          error: null,
        };
      if (reply.kind === 'gone')
        return { key, state: 'confirmed', providerMethodId: null, error: null };
      if (reply.kind === 'rejected')
        return { key, state: 'failed', providerMethodId: null, error: replyError(reply) };
      if (reply.kind === 'throttled')
        await this.sleep((reply.retryAfterSeconds ?? this.backoff(attempt)) * 1000);
      else if (reply.kind !== 'lost' && reply.kind !== 'conflict')
        await this.sleep(this.backoff(attempt) * 1000);
    }
    return { key, state: 'failed', providerMethodId: null, error: 'gave up' };
  }

  /**
   * Another station's hardware OATH token, from a pending file: activated with the secret this
   * station's own inventory holds for that serial number (the administrator loaded the same vendor
   * file here), only for the person the inventory and this station's roster say it belongs to.
   */
  private async uploadHardwareOath(
    provider: IdentityProvider,
    line: PendingLine,
  ): Promise<ResultLine> {
    const failed = (error: string): ResultLine => ({
      key: line.key,
      state: 'failed',
      providerMethodId: null,
      error,
    });
    const match = line.match ?? {};
    const token = new OathTokenRepository(this.ctx.db).find(String(match.serialNumber ?? ''));
    if (!token) return failed('token not in the inventory of the uploading station');
    const person = typeof line.upn === 'string' ? this.people.findByUpn(line.upn) : undefined;
    if (!person || token.upn.toLowerCase() !== person.upn.toLowerCase())
      return failed('token belongs to another person in the inventory of the uploading station');
    const providerId = this.repo.personLink(person.id)?.provider_id;
    if (!providerId || providerId !== match.userId)
      return failed('person not linked to this provider id at the uploading station');
    const body = (line.body ?? {}) as { displayName?: unknown };
    for (let attempt = 0; attempt < 8; attempt++) {
      const outcome = await this.registerToken(
        provider,
        providerId,
        token,
        typeof body.displayName === 'string' ? body.displayName.slice(0, 128) : token.serial,
      );
      if (outcome.kind === 'confirmed')
        return {
          key: line.key,
          state: 'confirmed',
          providerMethodId: outcome.methodId,
          error: null,
        };
      const reply = outcome.reply;
      if (reply.kind === 'stopped') throw problemError(reply.problem).error;
      if (reply.kind === 'rejected' || reply.kind === 'conflict')
        return failed(`${outcome.step}: ${replyError(reply)}`);
      if (reply.kind === 'throttled')
        await this.sleep((reply.retryAfterSeconds ?? this.backoff(attempt)) * 1000);
      else if (reply.kind !== 'lost') await this.sleep(this.backoff(attempt) * 1000);
    }
    return failed('gave up');
  }

  /** Takes an online station's results back: each item confirmed (or failed) as it found. */
  importResults(jsonl: string): { confirmed: number; failed: number; unknown: number } {
    this.ctx.session.assertStaff();
    let confirmed = 0;
    let failed = 0;
    let unknown = 0;
    const prefix = `${this.ctx.stationId}:`;
    for (const raw of jsonl.split(/\r?\n/)) {
      if (!raw.trim()) continue;
      let r: ResultLine;
      try {
        r = JSON.parse(raw) as ResultLine;
      } catch {
        unknown++;
        continue;
      }
      const row =
        typeof r.key === 'string' && r.key.startsWith(prefix)
          ? this.repo.outboxByKey(r.key.slice(prefix.length))
          : undefined;
      if (!row || row.state === 'confirmed' || row.state === 'discarded') {
        if (!row) unknown++;
        continue;
      }
      if (r.state === 'confirmed') {
        this.confirm(row, typeof r.providerMethodId === 'string' ? r.providerMethodId : null, {
          id: r.providerMethodId,
          imported: true,
        });
        confirmed++;
      } else {
        this.fail(row, String(r.error ?? 'failed').slice(0, 300));
        failed++;
      }
    }
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('idp.resultsImported', null, { confirmed, failed, unknown }),
    )();
    return { confirmed, failed, unknown };
  }

  /** A temporary access pass issued by the provider: shown once, never stored here. */
  async issueProviderPass(
    personId: PersonId,
    opts: { lifetimeMinutes: number; oneTime: boolean },
  ): Promise<{ pass: string; expiresAt: string; oneTime: boolean }> {
    this.ctx.session.assertStaff();
    this.people.get(personId);
    const providerId = this.linkedProviderId(personId);
    if (!providerId) throw new StationError('idp.personNotLinked');
    const provider = this.providerOrThrow();
    let issued;
    try {
      issued = await provider.issueTemporaryAccessPass(providerId, opts);
    } catch (e) {
      throw this.providerFailure(e, {
        permission: provider.writePermission('temporaryAccessPass'),
      });
    }
    this.ctx.db.transaction(() =>
      this.ctx.audit.append('idp.passIssued', personId, {
        expiresAt: issued.expiresAt,
        oneTime: issued.oneTime,
      }),
    )();
    return { pass: issued.pass, expiresAt: issued.expiresAt, oneTime: issued.oneTime };
  }
}

/** A stopping problem as the station error the operator sees and the item's last error. */
function problemError(problem: ConnectionProblem): { error: StationError; lastError: string } {
  if (problem.code === 'idp.missingPermission')
    return {
      error: new StationError('idp.missingPermission', { permission: problem.permission }),
      lastError: `${problem.code} ${problem.permission}`,
    };
  return {
    error: new StationError(problem.code, 'detail' in problem ? { detail: problem.detail } : {}),
    lastError: problem.code,
  };
}

const PLACEHOLDER = encodeURIComponent('{providerMethodId}');

function hasPlaceholder(path: string): boolean {
  return path.endsWith(PLACEHOLDER);
}

function fillPlaceholder(path: string, providerMethodId: string): string {
  return path.slice(0, -PLACEHOLDER.length) + encodeURIComponent(providerMethodId);
}

function originOf(host: string): string {
  const u = hostOrigin(host);
  if (!u) throw new StationError('idp.insecureHost', { field: 'host' });
  return u.origin;
}

function thumbprint(pem: string): string {
  // Throws on anything that is not one PEM certificate.
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=]+$/.test(body) || body.length < 100) throw new Error('not a certificate');
  return createHash('sha256').update(Buffer.from(body, 'base64')).digest('hex');
}

function stripOData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripOData);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!k.includes('@odata.')) out[k] = stripOData(x);
    return out;
  }
  return v ?? null;
}

export function isDeletable(type: ProviderMethodType): boolean {
  return type !== 'password' && type !== 'other';
}

function providerMethodView(m: ProviderMethodRow): ProviderMethodView {
  const type = (PROVIDER_METHOD_TYPES as readonly string[]).includes(m.type)
    ? (m.type as ProviderMethodType)
    : 'other';
  let data: Record<string, string | number | boolean | null>;
  try {
    data = JSON.parse(m.data) as Record<string, string | number | boolean | null>;
  } catch {
    data = {};
  }
  return {
    providerMethodId: m.provider_method_id,
    type,
    label: m.label,
    detail: m.detail,
    createdAt: m.created_at,
    data,
    deleting: m.deleting === 1,
    deletable: isDeletable(type),
  };
}

function itemView(r: IdpOutboxRow): OutboxItemView {
  return {
    id: r.id,
    key: r.item_key,
    personId: r.person_id,
    operation: r.operation,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    providerMethodId: r.provider_method_id,
  };
}

function csvCell(v: string): string {
  // Formula-looking cells are quoted with a leading apostrophe (spreadsheet injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

import type { Db } from '../connection';

/** The one connection row (migration 008); secrets arrive here already sealed. */
export interface IdpConnectionRow {
  provider: string;
  tenant_id: string;
  client_id: string;
  credential_kind: 'secret' | 'certificate';
  secret_sealed: Buffer | null;
  certificate_pem: string | null;
  authority_host: string;
  graph_host: string;
  group_id: string;
  updated_at: string;
}

export interface IdpPersonRow {
  person_id: number;
  provider_id: string;
  in_group: number;
  left_at: string | null;
  pulled_at: string;
}

export interface ProviderMethodRow {
  id: number;
  person_id: number;
  provider_method_id: string;
  type: string;
  label: string;
  detail: string;
  data: string;
  created_at: string | null;
  pulled_at: string;
  deleting: number;
}

export interface ProviderMethodValues {
  providerMethodId: string;
  type: string;
  label: string;
  detail: string;
  data: string;
  createdAt: string | null;
}

export type OutboxState = 'pending' | 'sent' | 'confirmed' | 'failed' | 'discarded';

export interface IdpOutboxRow {
  id: number;
  item_key: string;
  person_id: number | null;
  operation: string;
  http_method: 'POST' | 'DELETE' | 'PATCH';
  path: string;
  body_sealed: Buffer | null;
  match: string;
  method_id: number | null;
  provider_method_id: string | null;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  confirmed_at: string | null;
  result: string | null;
}

export interface NewOutboxItem {
  itemKey: string;
  personId: number | null;
  operation: string;
  httpMethod: 'POST' | 'DELETE' | 'PATCH';
  path: string;
  bodySealed: Buffer | null;
  match: string;
  methodId: number | null;
  providerMethodId: string | null;
  at: string;
}

export interface CreationOptionsRow {
  id: number;
  person_id: number;
  challenge: string;
  options: string;
  source: 'online' | 'imported';
  expires_at: string;
  created_at: string;
  used_at: string | null;
}

/** All SQL of the identity-provider link: connection, linked people, their provider methods, options, outbox. */
export class IdpRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      connection: db.prepare('SELECT * FROM idp_connection WHERE id = 1'),
      saveConnection: db.prepare(
        `INSERT INTO idp_connection (id, provider, tenant_id, client_id, credential_kind, secret_sealed,
           certificate_pem, authority_host, graph_host, group_id, updated_at)
         VALUES (1, @provider, @tenant_id, @client_id, @credential_kind, @secret_sealed, @certificate_pem,
           @authority_host, @graph_host, @group_id, @updated_at)
         ON CONFLICT(id) DO UPDATE SET provider = excluded.provider, tenant_id = excluded.tenant_id,
           client_id = excluded.client_id, credential_kind = excluded.credential_kind,
           secret_sealed = excluded.secret_sealed, certificate_pem = excluded.certificate_pem,
           authority_host = excluded.authority_host, graph_host = excluded.graph_host,
           group_id = excluded.group_id, updated_at = excluded.updated_at`,
      ),
      removeConnection: db.prepare('DELETE FROM idp_connection WHERE id = 1'),
      personLink: db.prepare('SELECT * FROM idp_people WHERE person_id = ?'),
      personByProviderId: db.prepare('SELECT * FROM idp_people WHERE provider_id = ?'),
      upsertPerson: db.prepare(
        `INSERT INTO idp_people (person_id, provider_id, in_group, left_at, pulled_at) VALUES (?, ?, 1, NULL, ?)
         ON CONFLICT(person_id) DO UPDATE SET provider_id = excluded.provider_id, in_group = 1,
           left_at = NULL, pulled_at = excluded.pulled_at`,
      ),
      markLeft: db.prepare(
        `UPDATE idp_people SET in_group = 0, left_at = ? WHERE in_group = 1 AND pulled_at < ?`,
      ),
      linkedCounts: db.prepare(
        'SELECT count(*) AS linked, coalesce(sum(in_group = 0), 0) AS left FROM idp_people',
      ),
      providerMethods: db.prepare(
        'SELECT * FROM idp_provider_methods WHERE person_id = ? ORDER BY created_at, id',
      ),
      providerMethod: db.prepare(
        'SELECT * FROM idp_provider_methods WHERE person_id = ? AND provider_method_id = ?',
      ),
      deleteProviderMethods: db.prepare('DELETE FROM idp_provider_methods WHERE person_id = ?'),
      deleteProviderMethod: db.prepare(
        'DELETE FROM idp_provider_methods WHERE person_id = ? AND provider_method_id = ?',
      ),
      insertProviderMethod: db.prepare(
        `INSERT INTO idp_provider_methods (person_id, provider_method_id, type, label, detail, data,
           created_at, pulled_at, deleting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      setDeleting: db.prepare(
        'UPDATE idp_provider_methods SET deleting = 1 WHERE person_id = ? AND provider_method_id = ?',
      ),
      insertOptions: db.prepare(
        `INSERT INTO idp_creation_options (person_id, challenge, options, source, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(challenge) DO NOTHING`,
      ),
      freshOptions: db.prepare(
        `SELECT * FROM idp_creation_options WHERE person_id = ? AND used_at IS NULL AND expires_at > ?
         ORDER BY expires_at DESC LIMIT 1`,
      ),
      latestOptions: db.prepare(
        `SELECT * FROM idp_creation_options WHERE person_id = ? AND used_at IS NULL
         ORDER BY expires_at DESC LIMIT 1`,
      ),
      useOptions: db.prepare('UPDATE idp_creation_options SET used_at = ? WHERE challenge = ?'),
      insertOutbox: db.prepare(
        `INSERT INTO idp_outbox (item_key, person_id, operation, http_method, path, body_sealed, match,
           method_id, provider_method_id, state, attempts, next_attempt_at, created_at)
         VALUES (@itemKey, @personId, @operation, @httpMethod, @path, @bodySealed, @match, @methodId,
           @providerMethodId, 'pending', 0, @at, @at)
         ON CONFLICT(item_key) DO NOTHING`,
      ),
      outboxItem: db.prepare('SELECT * FROM idp_outbox WHERE id = ?'),
      outboxByKey: db.prepare('SELECT * FROM idp_outbox WHERE item_key = ?'),
      due: db.prepare(
        `SELECT * FROM idp_outbox WHERE state IN ('pending', 'sent') AND next_attempt_at <= ?
         ORDER BY id LIMIT ?`,
      ),
      nextDue: db.prepare(
        `SELECT min(next_attempt_at) AS at FROM idp_outbox WHERE state IN ('pending', 'sent')`,
      ),
      openItems: db.prepare(
        `SELECT * FROM idp_outbox WHERE state IN ('pending', 'sent') ORDER BY id`,
      ),
      listOutbox: db.prepare(
        `SELECT * FROM idp_outbox WHERE (@state IS NULL OR state = @state) ORDER BY id DESC LIMIT @limit`,
      ),
      stateCounts: db.prepare('SELECT state, count(*) AS n FROM idp_outbox GROUP BY state'),
      lastError: db.prepare(
        `SELECT last_error FROM idp_outbox WHERE last_error IS NOT NULL
         ORDER BY coalesce(sent_at, created_at) DESC, id DESC LIMIT 1`,
      ),
      markSent: db.prepare(
        `UPDATE idp_outbox SET state = 'sent', attempts = attempts + 1, sent_at = ? WHERE id = ?`,
      ),
      markConfirmed: db.prepare(
        `UPDATE idp_outbox SET state = 'confirmed', confirmed_at = ?, provider_method_id = ?, result = ?,
           last_error = NULL WHERE id = ?`,
      ),
      reschedule: db.prepare(
        'UPDATE idp_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?',
      ),
      backToPending: db.prepare(
        `UPDATE idp_outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?`,
      ),
      clearDeleting: db.prepare(
        'UPDATE idp_provider_methods SET deleting = 0 WHERE person_id = ? AND provider_method_id = ?',
      ),
      markFailed: db.prepare(`UPDATE idp_outbox SET state = 'failed', last_error = ? WHERE id = ?`),
      retry: db.prepare(
        `UPDATE idp_outbox SET state = 'sent', next_attempt_at = ? WHERE id = ? AND state = 'failed'`,
      ),
      discard: db.prepare(
        `UPDATE idp_outbox SET state = 'discarded' WHERE id = ? AND state IN ('failed', 'pending')`,
      ),
      methodSync: db.prepare(
        `SELECT o.method_id, o.state, o.provider_method_id FROM idp_outbox o
         WHERE o.person_id = ? AND o.method_id IS NOT NULL AND o.http_method = 'POST'
         ORDER BY o.id`,
      ),
      createdFor: db.prepare(
        `SELECT * FROM idp_outbox WHERE method_id = ? AND http_method = 'POST' ORDER BY id DESC LIMIT 1`,
      ),
      confirmedCounts: db.prepare(
        `SELECT count(*) AS items, count(DISTINCT person_id) AS people FROM idp_outbox
         WHERE state = 'confirmed' AND http_method = 'POST' AND method_id IS NOT NULL
           AND method_id IN (SELECT id FROM methods)`,
      ),
    };
  }

  connection(): IdpConnectionRow | undefined {
    return this.s.connection.get() as IdpConnectionRow | undefined;
  }

  saveConnection(row: IdpConnectionRow): void {
    this.s.saveConnection.run(row);
  }

  removeConnection(): void {
    this.s.removeConnection.run();
  }

  personLink(personId: number): IdpPersonRow | undefined {
    return this.s.personLink.get(personId) as IdpPersonRow | undefined;
  }

  personByProviderId(providerId: string): IdpPersonRow | undefined {
    return this.s.personByProviderId.get(providerId) as IdpPersonRow | undefined;
  }

  linkPerson(personId: number, providerId: string, at: string): void {
    this.s.upsertPerson.run(personId, providerId, at);
  }

  /** Everyone not seen in the pull that started at `pullStartedAt` left the group: marked, kept. */
  markLeft(pullStartedAt: string, at: string): number {
    return this.s.markLeft.run(at, pullStartedAt).changes;
  }

  linkedCounts(): { linked: number; left: number } {
    return this.s.linkedCounts.get() as { linked: number; left: number };
  }

  providerMethods(personId: number): ProviderMethodRow[] {
    return this.s.providerMethods.all(personId) as ProviderMethodRow[];
  }

  providerMethod(personId: number, providerMethodId: string): ProviderMethodRow | undefined {
    return this.s.providerMethod.get(personId, providerMethodId) as ProviderMethodRow | undefined;
  }

  /** Replaces what the provider holds for a person (one pull), keeping "delete requested" marks. */
  replaceProviderMethods(
    personId: number,
    methods: readonly ProviderMethodValues[],
    at: string,
    deleting: ReadonlySet<string>,
  ): void {
    this.s.deleteProviderMethods.run(personId);
    for (const m of methods) {
      this.s.insertProviderMethod.run(
        personId,
        m.providerMethodId,
        m.type,
        m.label,
        m.detail,
        m.data,
        m.createdAt,
        at,
        deleting.has(m.providerMethodId) ? 1 : 0,
      );
    }
  }

  addProviderMethod(personId: number, m: ProviderMethodValues, at: string): void {
    this.s.deleteProviderMethod.run(personId, m.providerMethodId);
    this.s.insertProviderMethod.run(
      personId,
      m.providerMethodId,
      m.type,
      m.label,
      m.detail,
      m.data,
      m.createdAt,
      at,
      0,
    );
  }

  removeProviderMethod(personId: number, providerMethodId: string): void {
    this.s.deleteProviderMethod.run(personId, providerMethodId);
  }

  markProviderMethodDeleting(personId: number, providerMethodId: string): void {
    this.s.setDeleting.run(personId, providerMethodId);
  }

  saveCreationOptions(
    personId: number,
    challenge: string,
    options: string,
    source: 'online' | 'imported',
    expiresAt: string,
    at: string,
  ): boolean {
    return (
      this.s.insertOptions.run(personId, challenge, options, source, expiresAt, at).changes === 1
    );
  }

  freshCreationOptions(personId: number, now: string): CreationOptionsRow | undefined {
    return this.s.freshOptions.get(personId, now) as CreationOptionsRow | undefined;
  }

  latestCreationOptions(personId: number): CreationOptionsRow | undefined {
    return this.s.latestOptions.get(personId) as CreationOptionsRow | undefined;
  }

  useCreationOptions(challenge: string, at: string): void {
    this.s.useOptions.run(at, challenge);
  }

  /** Returns the new row id, or null when an item with this key is already queued (idempotent). */
  enqueue(item: NewOutboxItem): number | null {
    const r = this.s.insertOutbox.run(item);
    return r.changes === 1 ? Number(r.lastInsertRowid) : null;
  }

  outboxItem(id: number): IdpOutboxRow | undefined {
    return this.s.outboxItem.get(id) as IdpOutboxRow | undefined;
  }

  outboxByKey(key: string): IdpOutboxRow | undefined {
    return this.s.outboxByKey.get(key) as IdpOutboxRow | undefined;
  }

  due(now: string, limit: number): IdpOutboxRow[] {
    return this.s.due.all(now, limit) as IdpOutboxRow[];
  }

  nextDueAt(): string | null {
    return (this.s.nextDue.get() as { at: string | null }).at;
  }

  openItems(): IdpOutboxRow[] {
    return this.s.openItems.all() as IdpOutboxRow[];
  }

  listOutbox(opts: { state?: OutboxState; limit?: number }): IdpOutboxRow[] {
    return this.s.listOutbox.all({
      state: opts.state ?? null,
      limit: opts.limit ?? 200,
    }) as IdpOutboxRow[];
  }

  stateCounts(): Record<OutboxState, number> {
    const out: Record<OutboxState, number> = {
      pending: 0,
      sent: 0,
      confirmed: 0,
      failed: 0,
      discarded: 0,
    };
    for (const r of this.s.stateCounts.all() as { state: OutboxState; n: number }[])
      out[r.state] = r.n;
    return out;
  }

  lastError(): string | null {
    return (this.s.lastError.get() as { last_error: string } | undefined)?.last_error ?? null;
  }

  markSent(id: number, at: string): void {
    this.s.markSent.run(at, id);
  }

  markConfirmed(id: number, at: string, providerMethodId: string | null, result: string): void {
    this.s.markConfirmed.run(at, providerMethodId, result, id);
  }

  /** `notProcessed`: the provider said it did not act (429/503), so no look-up is needed first. */
  reschedule(id: number, nextAt: string, error: string, notProcessed = false): void {
    (notProcessed ? this.s.backToPending : this.s.reschedule).run(nextAt, error, id);
  }

  clearProviderMethodDeleting(personId: number, providerMethodId: string): void {
    this.s.clearDeleting.run(personId, providerMethodId);
  }

  markFailed(id: number, error: string): void {
    this.s.markFailed.run(error, id);
  }

  /** A failed item goes back as "sent": the worker checks the provider before sending again. */
  retry(id: number, at: string): boolean {
    return this.s.retry.run(at, id).changes === 1;
  }

  discard(id: number): boolean {
    return this.s.discard.run(id).changes === 1;
  }

  /** Per station method of a person: the state of its latest push to the provider. */
  methodSync(
    personId: number,
  ): Map<number, { state: OutboxState; providerMethodId: string | null }> {
    const out = new Map<number, { state: OutboxState; providerMethodId: string | null }>();
    for (const r of this.s.methodSync.all(personId) as {
      method_id: number;
      state: OutboxState;
      provider_method_id: string | null;
    }[]) {
      out.set(r.method_id, { state: r.state, providerMethodId: r.provider_method_id });
    }
    return out;
  }

  /** The latest create pushed for a station method (its provider id once confirmed). */
  createdFor(methodId: number): IdpOutboxRow | undefined {
    return this.s.createdFor.get(methodId) as IdpOutboxRow | undefined;
  }

  /** Dashboard: station methods the provider confirmed holding (and for how many people). */
  confirmedCounts(): { items: number; people: number } {
    return this.s.confirmedCounts.get() as { items: number; people: number };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

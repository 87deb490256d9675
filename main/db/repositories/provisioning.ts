import type { Db } from '../connection';

export type ProvisioningPersonState = 'queued' | 'active' | 'registered' | 'done' | 'failed';

export interface ProvisioningJobRow {
  id: string;
  settings: string;
  state: 'running' | 'finished';
  created_at: string;
  finished_at: string | null;
}

export interface ProvisioningPersonRow {
  id: number;
  job_id: string;
  seq: number;
  person_id: number | null;
  user_id: string | null;
  upn: string;
  display_name: string;
  challenge: string;
  expires_at: string;
  options: string;
  state: ProvisioningPersonState;
  attempts: number;
  slot: string | null;
  credential_id: string | null;
  registration: string | null;
  stale_credentials: string;
  aaguid: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  key_config: string | null;
  error: string | null;
  updated_at: string;
}

export interface NewProvisioningPerson {
  personId: number | null;
  userId: string | null;
  upn: string;
  displayName: string;
  challenge: string;
  expiresAt: string;
  options: string;
}

export interface ReadyOptionsRow {
  person_id: number;
  department: string;
  challenge: string;
  options: string;
  expires_at: string;
  upn: string;
  display_name: string;
  provider_id: string | null;
}

export interface KeyDetails {
  aaguid: string;
  model: string;
  firmware: string;
  serial: string | null;
}

/** All SQL on the provisioning job tables (docs/PROVISIONING.md "Resuming"). */
export class ProvisioningRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insertJob: db.prepare(
        `INSERT INTO provisioning_jobs (id, settings, state, created_at) VALUES (?, ?, 'running', ?)`,
      ),
      job: db.prepare('SELECT * FROM provisioning_jobs WHERE id = ?'),
      latestRunning: db.prepare(
        `SELECT * FROM provisioning_jobs WHERE state = 'running' ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      ),
      latest: db.prepare(
        'SELECT * FROM provisioning_jobs ORDER BY created_at DESC, rowid DESC LIMIT 1',
      ),
      finishJob: db.prepare(
        `UPDATE provisioning_jobs SET state = 'finished', finished_at = ? WHERE id = ?`,
      ),
      insertPerson: db.prepare(
        `INSERT OR IGNORE INTO provisioning_people
           (job_id, seq, person_id, user_id, upn, display_name, challenge, expires_at, options, state, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
      ),
      next: db.prepare(
        `SELECT * FROM provisioning_people WHERE job_id = ? AND state = 'queued' ORDER BY seq LIMIT 1`,
      ),
      claim: db.prepare(
        `UPDATE provisioning_people SET state = 'active', slot = ?, attempts = attempts + 1, error = NULL, updated_at = ?
         WHERE id = ? AND state = 'queued'`,
      ),
      registered: db.prepare(
        `UPDATE provisioning_people SET state = 'registered', credential_id = ?, registration = ?,
           aaguid = ?, model = ?, firmware = ?, serial = ?, updated_at = ?
         WHERE id = ? AND state = 'active'`,
      ),
      done: db.prepare(
        `UPDATE provisioning_people SET state = 'done', key_config = ?, updated_at = ?
         WHERE id = ? AND state = 'registered'`,
      ),
      requeue: db.prepare(
        `UPDATE provisioning_people SET state = 'queued', slot = NULL, error = ?,
           stale_credentials = CASE WHEN credential_id IS NULL THEN stale_credentials
             ELSE json_insert(stale_credentials, '$[#]', credential_id) END,
           credential_id = NULL, registration = NULL, updated_at = ?
         WHERE id = ? AND state IN ('active', 'registered')`,
      ),
      fail: db.prepare(
        `UPDATE provisioning_people SET state = 'failed', error = ?, slot = NULL,
           stale_credentials = CASE WHEN credential_id IS NULL THEN stale_credentials
             ELSE json_insert(stale_credentials, '$[#]', credential_id) END,
           credential_id = NULL, registration = NULL, updated_at = ?
         WHERE id = ? AND state IN ('queued', 'active', 'registered')`,
      ),
      people: db.prepare('SELECT * FROM provisioning_people WHERE job_id = ? ORDER BY seq'),
      unfinished: db.prepare(
        `SELECT * FROM provisioning_people WHERE job_id = ? AND state IN ('active', 'registered') ORDER BY seq`,
      ),
      readyOptions: db.prepare(
        `SELECT o.person_id, p.department, o.challenge, o.options, o.expires_at, p.upn, p.display_name,
                l.provider_id
           FROM idp_creation_options o
           JOIN people p ON p.id = o.person_id
           LEFT JOIN idp_people l ON l.person_id = o.person_id
          WHERE o.used_at IS NULL AND o.expires_at > ?
            AND o.id = (SELECT MAX(o2.id) FROM idp_creation_options o2
                         WHERE o2.person_id = o.person_id AND o2.used_at IS NULL)
          ORDER BY p.upn`,
      ),
      counts: db.prepare(
        'SELECT state, COUNT(*) AS n FROM provisioning_people WHERE job_id = ? GROUP BY state',
      ),
    };
  }

  createJob(
    id: string,
    settings: string,
    at: string,
    people: readonly NewProvisioningPerson[],
  ): number {
    let added = 0;
    this.db.transaction(() => {
      this.s.insertJob.run(id, settings, at);
      people.forEach((p, i) => {
        added += this.s.insertPerson.run(
          id,
          i + 1,
          p.personId,
          p.userId,
          p.upn,
          p.displayName,
          p.challenge,
          p.expiresAt,
          p.options,
          at,
        ).changes;
      });
    })();
    return added;
  }

  job(id: string): ProvisioningJobRow | undefined {
    return this.s.job.get(id) as ProvisioningJobRow | undefined;
  }

  latestRunningJob(): ProvisioningJobRow | undefined {
    return this.s.latestRunning.get() as ProvisioningJobRow | undefined;
  }

  latestJob(): ProvisioningJobRow | undefined {
    return this.s.latest.get() as ProvisioningJobRow | undefined;
  }

  finishJob(id: string, at: string): void {
    this.s.finishJob.run(at, id);
  }

  /** Takes the next queued person for a key, atomically (no person goes to two keys). */
  claimNext(jobId: string, slot: string, at: string): ProvisioningPersonRow | undefined {
    return this.db
      .transaction(() => {
        const row = this.s.next.get(jobId) as ProvisioningPersonRow | undefined;
        if (!row) return undefined;
        this.s.claim.run(slot, at, row.id);
        return { ...row, state: 'active' as const, slot, attempts: row.attempts + 1 };
      })
      .immediate();
  }

  markRegistered(
    id: number,
    credentialId: string,
    registration: string,
    key: KeyDetails,
    at: string,
  ): boolean {
    return (
      this.s.registered.run(
        credentialId,
        registration,
        key.aaguid,
        key.model,
        key.firmware,
        key.serial,
        at,
        id,
      ).changes === 1
    );
  }

  /** Marks done; `extra` runs in the same transaction (the registry's method + outbox item). */
  markDone(id: number, keyConfig: string, at: string, extra?: () => void): boolean {
    return this.db.transaction(() => {
      const ok = this.s.done.run(keyConfig, at, id).changes === 1;
      if (ok && extra) extra();
      return ok;
    })();
  }

  requeue(id: number, error: string, at: string): void {
    this.s.requeue.run(error, at, id);
  }

  fail(id: number, error: string, at: string): void {
    this.s.fail.run(error, at, id);
  }

  people(jobId: string): ProvisioningPersonRow[] {
    return this.s.people.all(jobId) as ProvisioningPersonRow[];
  }

  unfinished(jobId: string): ProvisioningPersonRow[] {
    return this.s.unfinished.all(jobId) as ProvisioningPersonRow[];
  }

  /** Roster people with unused, unexpired creation options (newest per person). */
  readyOptions(now: string): ReadyOptionsRow[] {
    return this.s.readyOptions.all(now) as ReadyOptionsRow[];
  }

  counts(jobId: string): Record<ProvisioningPersonState, number> {
    const out: Record<ProvisioningPersonState, number> = {
      queued: 0,
      active: 0,
      registered: 0,
      done: 0,
      failed: 0,
    };
    for (const r of this.s.counts.all(jobId) as { state: ProvisioningPersonState; n: number }[])
      out[r.state] = r.n;
    return out;
  }
}

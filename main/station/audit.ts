import type { Db } from '../db/connection';
import { AuditRepository, type AuditRow as StoredAuditRow } from '../db/repositories/audit';
import { AuditAnchor, signCheckpoint, type AuditCheckpoint } from './auditAnchor';
import { StationError } from './errors';
import type { StationKeyring } from './secrets';
import type { Actor, PersonId } from './types';

export const AUDIT_ACTIONS = [
  'station.initialized',
  'person.created',
  'person.updated',
  'roster.imported',
  'method.registered',
  'method.deleted',
  'method.defaultChanged',
  'method.renamed', // an app or token got the person's own name, or lost it (never the name)
  'method.used',
  'policy.updated',
  'questions.updated',
  'oath.imported',
  'pass.issued',
  'pass.used',
  'pass.revoked',
  'operator.created',
  'operator.updated',
  'operator.signedIn',
  'operator.signInFailed',
  'operator.lockedOut', // too many wrong passwords (the count, never a password)
  'operator.lockoutLifted', // by the operator's own key sign-in or another key-signed-in operator
  'operator.keyRegistered',
  'securityKey.pinChanged', // a forced PIN change during key enrollment (never the PIN)
  'securityKey.managed', // the key manager changed a key: details.operation (never the PIN)
  'keyModels.imported', // a FIDO metadata BLOB was verified and replaced the key-model catalog
  'person.signedIn',
  'person.signInFailed',
  'settings.changed',
  'registry.backedUp',
  'registry.exported',
  'idp.connectionSaved',
  'idp.pulled',
  'idp.pushConfirmed',
  'idp.pushFailed',
  'idp.methodDeleteRequested',
  'idp.outboxRetried',
  'idp.outboxDiscarded',
  'idp.optionsImported',
  'idp.pendingExported',
  'idp.pendingUploaded',
  'idp.resultsImported',
  'idp.passIssued',
  'reset.started', // a user ID was typed at "Can't access your account?" (outcome, never a secret)
  'reset.verified', // one method verified (kind)
  'reset.verifyFailed', // a wrong code, answer or key (kind)
  'reset.locked',
  'reset.completed', // the provider holds the new password (never the password)
  'reset.failed', // the provider refused or could not be reached
  'reset.adminRequested', // "Kontakta en administratör"
  'reset.requestHandled',
  'provisioning.optionsImported', // an options file: how many challenges became ready
  'provisioning.started', // a batch run for others: how many people, which settings
  'provisioning.finished', // done / failed / left
  'provisioning.slipsHandedOver', // the PIN slips PDF went to the operator once (never a PIN)
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditDetails = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly stationId: string;
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly personId: PersonId | null;
  readonly details: AuditDetails;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly rows: number;
  /** First sequence number where the chain breaks (edited, inserted or deleted row). */
  readonly brokenAtSeq?: number;
  readonly problem?: AuditProblem;
  /** The anchor's checkpoint the log was compared with (absent: no anchor location, or none yet). */
  readonly anchoredSeq?: number;
}

/**
 * edited / missing: a row changed, removed or put in; truncated / head: the end doesn't match the
 * registry's own MACed head; rolledBack: the registry is behind (or beside) the last signed
 * checkpoint in the anchor location; anchor: the checkpoint there is not this station's.
 */
export type AuditProblem = 'edited' | 'missing' | 'truncated' | 'head' | 'rolledBack' | 'anchor';

/** Field names that must never reach the log (DESIGN.md §7: nothing secret is ever logged). */
const FORBIDDEN_DETAIL = /pin|secret|answer|pass(?!port)|password|code|otp|token$/i;

type AuditRow = StoredAuditRow & { actor_kind: Actor['kind']; action: AuditAction };

const GENESIS = Buffer.alloc(32);

/**
 * Append-only, HMAC-chained audit log (DESIGN.md §5 "a tamper-evident audit log of every change").
 * Each row's hash covers its content and the previous row's hash under a key derived from the
 * station key, so editing, inserting or deleting a row is found by `verify()` and can't be
 * papered over without the station key. The head (last seq + hash, itself MACed) is kept in
 * station_settings in the same transaction, so cutting rows off the end is found too — and
 * `append` checks that head before it writes, so a cut can't be hidden by the next row. With an
 * anchor location (main/station/auditAnchor.ts) every committed change also leaves a signed
 * checkpoint outside the registry, so deleting every row and the head, or rolling the whole
 * registry back to an older backup, is found as well.
 */
export class AuditLog {
  private readonly repo: AuditRepository;
  /** Set when `append` refused or `verify` failed: the console-wide integrity alarm. */
  private alarm: AuditVerification | null = null;
  /** The newest checkpoint this station knows was anchored (read at open, then written). */
  private anchored: AuditCheckpoint | null = null;
  private checkpointQueued = false;

  constructor(
    private readonly db: Db,
    private readonly keys: StationKeyring,
    private readonly stationId: string,
    private readonly clock: () => Date,
    private readonly actor: () => Actor,
    /** The anchor directory the operator chose, read at each use; undefined: none. */
    private readonly anchorDir: () => string | undefined = () => undefined,
  ) {
    this.repo = new AuditRepository(db);
  }

  /**
   * Checks the whole chain against the registry's head and the anchor, once at start: a broken
   * log raises the alarm before anyone signs in; a good one gets a fresh checkpoint.
   */
  open(): AuditVerification {
    const v = this.verify();
    if (v.ok) this.writeCheckpoint();
    return v;
  }

  /** The integrity alarm the station shows everywhere, or null while the log is intact. */
  integrityAlarm(): AuditVerification | null {
    return this.alarm;
  }

  /** The newest checkpoint known to be anchored (read at open or written since), if any. */
  anchoredSeq(): number | null {
    return this.anchored?.seq ?? null;
  }

  /**
   * Writes the head's checkpoint to `dir` now and remembers it (an operator choosing the anchor
   * location sees at once that it works); throws when the directory can't be written.
   */
  anchorTo(dir: string): AuditCheckpoint {
    const cp = this.checkpoint();
    new AuditAnchor(dir, this.keys, this.stationId).write(cp);
    if (!this.anchored || cp.seq >= this.anchored.seq) this.anchored = cp;
    return cp;
  }

  /** A signed checkpoint of the current head: what exports and backups carry. */
  checkpoint(): AuditCheckpoint {
    const last = this.repo.last();
    return signCheckpoint(this.keys, {
      stationId: this.stationId,
      seq: last?.seq ?? 0,
      hash: Buffer.from(last?.hash ?? GENESIS).toString('hex'),
      at: this.clock().toISOString(),
    });
  }

  /**
   * Appends one entry. Call it inside the transaction that makes the change it records, so the
   * change and its audit row commit together; standalone calls are atomic on their own.
   */
  append(action: AuditAction, personId: PersonId | null, details: AuditDetails = {}): number {
    for (const key of Object.keys(details)) {
      if (FORBIDDEN_DETAIL.test(key)) throw new Error(`audit detail "${key}" looks secret`);
    }
    const actor = this.actor();
    // Read-previous, insert and head update commit together even when a caller appends outside
    // a transaction (inside one, the nested transaction is a savepoint).
    const seq = this.repo.atomically(() => {
      const prev = this.repo.last();
      // Refuse to chain onto a log whose end was cut or rolled back (nothing is written).
      const problem = this.tailProblem(prev);
      if (problem) {
        this.alarm = {
          ok: false,
          rows: prev?.seq ?? 0,
          brokenAtSeq: (prev?.seq ?? 0) + 1,
          problem,
          ...(this.anchored ? { anchoredSeq: this.anchored.seq } : {}),
        };
        throw new StationError('registry.auditBroken');
      }
      const row = {
        seq: (prev?.seq ?? 0) + 1,
        at: this.clock().toISOString(),
        station_id: this.stationId,
        actor_kind: actor.kind,
        actor_id: actor.id,
        actor_label: actor.label,
        action,
        person_id: personId,
        details: JSON.stringify(details),
        prev_hash: prev?.hash ?? GENESIS,
      };
      const hash = this.rowHash(row);
      this.repo.insert({ ...row, hash });
      this.repo.setHead(this.headValue(row.seq, hash));
      return row.seq;
    });
    this.queueCheckpoint();
    return seq;
  }

  list(opts: { personId?: PersonId; limit?: number; beforeSeq?: number } = {}): AuditEntry[] {
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 10_000);
    return this.repo
      .page({ personId: opts.personId ?? null, beforeSeq: opts.beforeSeq ?? null, limit })
      .map((r) => toEntry(r as AuditRow));
  }

  /** Every entry, oldest first (for export). */
  *all(): Generator<AuditEntry> {
    for (const row of this.repo.all()) yield toEntry(row as AuditRow);
  }

  verify(): AuditVerification {
    let expectedSeq = 1;
    let prevHash = GENESIS;
    let rows = 0;
    for (const raw of this.repo.all()) {
      const row = raw as AuditRow;
      if (row.seq !== expectedSeq)
        return { ok: false, rows, brokenAtSeq: expectedSeq, problem: 'missing' };
      if (!Buffer.from(row.prev_hash).equals(prevHash)) {
        return { ok: false, rows, brokenAtSeq: row.seq, problem: 'missing' };
      }
      if (!this.rowHash(row).equals(Buffer.from(row.hash))) {
        return { ok: false, rows, brokenAtSeq: row.seq, problem: 'edited' };
      }
      prevHash = Buffer.from(row.hash);
      expectedSeq += 1;
      rows += 1;
    }
    const head = this.repo.head();
    const anchoredSeq = this.readAnchor();
    const seen = anchoredSeq === 'invalid' ? {} : anchoredSeq === null ? {} : { anchoredSeq };
    const fail = (v: AuditVerification): AuditVerification => {
      this.alarm = v;
      return v;
    };
    if (anchoredSeq === 'invalid') {
      return fail({ ok: false, rows, brokenAtSeq: rows + 1, problem: 'anchor' });
    }
    if (!(rows === 0 && head === undefined)) {
      if (head === undefined || head !== this.headValue(rows, prevHash)) {
        return fail({
          ok: false,
          rows,
          brokenAtSeq: rows + 1,
          problem: rows === 0 ? 'truncated' : 'head',
          ...seen,
        });
      }
    }
    const behind = this.anchorProblem(rows === 0 ? undefined : { seq: rows, hash: prevHash });
    if (behind) return fail({ ok: false, rows, brokenAtSeq: rows + 1, problem: behind, ...seen });
    return { ok: true, rows, ...seen };
  }

  /** What is wrong with the end of the log before a row is chained onto it, if anything. */
  private tailProblem(prev: { seq: number; hash: Buffer } | undefined): AuditProblem | null {
    const head = this.repo.head();
    if (prev === undefined) {
      if (head !== undefined) return 'truncated';
    } else if (head !== this.headValue(prev.seq, Buffer.from(prev.hash))) {
      return 'head';
    }
    return this.anchorProblem(prev);
  }

  /**
   * The registry against the newest anchored checkpoint: the checkpoint's row must be there with
   * the same hash (rows after it are newer than the checkpoint, which is fine).
   */
  private anchorProblem(last: { seq: number; hash: Buffer } | undefined): AuditProblem | null {
    const cp = this.anchored;
    if (!cp || cp.seq === 0) return null;
    if (!last) return 'truncated';
    if (last.seq < cp.seq) return 'rolledBack';
    const hash = last.seq === cp.seq ? last.hash : this.repo.hashAt(cp.seq);
    return hash && Buffer.from(hash).toString('hex') === cp.hash ? null : 'rolledBack';
  }

  /**
   * Reads the anchor location (when one is set), keeping the newer of the file's checkpoint and
   * the one this process last wrote; 'invalid' when the file is not this station's.
   */
  private readAnchor(): number | null | 'invalid' {
    const dir = this.anchorDir();
    if (!dir) return this.anchored?.seq ?? null;
    const read = new AuditAnchor(dir, this.keys, this.stationId).read();
    if (read.state === 'invalid') return 'invalid';
    if (read.state === 'valid' && (!this.anchored || read.checkpoint.seq >= this.anchored.seq)) {
      this.anchored = read.checkpoint;
    }
    return this.anchored?.seq ?? null;
  }

  /** After the transaction that appended has ended (committed or rolled back). */
  private queueCheckpoint(): void {
    if (this.checkpointQueued || !this.anchorDir()) return;
    this.checkpointQueued = true;
    const run = (): void => {
      if (!this.db.open) {
        this.checkpointQueued = false;
        return;
      }
      // Still inside a caller's transaction: try again once the event loop turns.
      if (this.db.inTransaction) {
        setImmediate(run);
        return;
      }
      this.checkpointQueued = false;
      this.writeCheckpoint();
    };
    queueMicrotask(run);
  }

  /** Signs the committed head into the anchor location (when one is set). */
  private writeCheckpoint(): void {
    const dir = this.anchorDir();
    if (!dir || this.alarm) return;
    const cp = this.checkpoint();
    if (this.anchored && cp.seq < this.anchored.seq) return;
    try {
      new AuditAnchor(dir, this.keys, this.stationId).write(cp);
      this.anchored = cp;
    } catch {
      // An unreachable anchor (share offline, stick pulled) must not stop the station; the
      // next change tries again, and verify still compares against the last one written.
    }
  }

  private rowHash(row: Omit<AuditRow, 'hash'>): Buffer {
    const payload = JSON.stringify([
      row.seq,
      row.at,
      row.station_id,
      row.actor_kind,
      row.actor_id,
      row.actor_label,
      row.action,
      row.person_id,
      row.details,
    ]);
    return this.keys.auditMac(
      Buffer.concat([Buffer.from(row.prev_hash), Buffer.from(payload, 'utf8')]),
    );
  }

  private headValue(seq: number, hash: Buffer): string {
    const mac = this.keys.auditMac(Buffer.from(`head:${seq}:${hash.toString('hex')}`));
    return `${seq}:${hash.toString('hex')}:${mac.toString('hex')}`;
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    stationId: row.station_id,
    actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
    action: row.action,
    personId: row.person_id,
    details: JSON.parse(row.details) as AuditDetails,
  };
}

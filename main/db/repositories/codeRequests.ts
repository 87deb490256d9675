import type { Db } from '../connection';

/**
 * When one-time codes were sent (verification_codes.created_at), for the request limits: per
 * person, per destination (case-insensitive: an email's local part is kept as typed) and for
 * the whole station. Cancelled codes stay as rows (retired, not deleted) so they still count.
 */
export class CodeRequestRepository {
  private readonly byPerson;
  private readonly byDestination;
  private readonly all;

  constructor(db: Db) {
    this.byPerson = db.prepare(
      `SELECT created_at FROM verification_codes WHERE person_id = ? AND created_at > ?
       ORDER BY created_at`,
    );
    this.byDestination = db.prepare(
      `SELECT created_at FROM verification_codes
       WHERE lower(destination) = lower(?) AND created_at > ? ORDER BY created_at`,
    );
    this.all = db.prepare(
      'SELECT created_at FROM verification_codes WHERE created_at > ? ORDER BY created_at',
    );
  }

  /** Send times after `sinceIso`, oldest first. */
  sentSince(
    scope: { person: number } | { destination: string } | 'station',
    sinceIso: string,
  ): string[] {
    const rows = (
      scope === 'station'
        ? this.all.all(sinceIso)
        : 'person' in scope
          ? this.byPerson.all(scope.person, sinceIso)
          : this.byDestination.all(scope.destination, sinceIso)
    ) as { created_at: string }[];
    return rows.map((r) => r.created_at);
  }
}

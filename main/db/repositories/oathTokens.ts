import type { Db } from '../connection';

/** An `oath_tokens` row: a hardware token an administrator imported for a UPN. */
export interface OathTokenRow {
  serial: string;
  upn: string;
  /** Sealed with the station key; the repository never sees the plain secret. */
  secret: Buffer;
  period: 30 | 60;
  digits: 6 | 8;
  manufacturer: string;
  model: string;
  method_id: number | null;
  imported_at: string;
  activated_at?: string | null;
}

export interface OathTokenValues {
  serial: string;
  upn: string;
  /** Already sealed. */
  secret: Buffer;
  period: 30 | 60;
  manufacturer: string;
  model: string;
  importedAt: string;
}

/** All SQL on `oath_tokens` (the OATH hardware-token inventory). */
export class OathTokenRepository {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare('SELECT * FROM oath_tokens ORDER BY serial'),
      forUpn: db.prepare('SELECT * FROM oath_tokens WHERE upn = ? ORDER BY serial'),
      availableForUpn: db.prepare(
        'SELECT * FROM oath_tokens WHERE upn = ? AND method_id IS NULL ORDER BY serial',
      ),
      bySerial: db.prepare('SELECT * FROM oath_tokens WHERE serial = ?'),
      personWithUpn: db.prepare('SELECT 1 FROM people WHERE upn = ?'),
      insert: db.prepare(
        `INSERT INTO oath_tokens (serial, upn, secret, period, digits, manufacturer, model, imported_at)
         VALUES (?, ?, ?, ?, 6, ?, ?, ?)`,
      ),
      activate: db.prepare(
        'UPDATE oath_tokens SET method_id = ?, activated_at = ? WHERE serial = ? AND method_id IS NULL',
      ),
    };
  }

  list(upn?: string): OathTokenRow[] {
    return (
      upn === undefined ? this.stmts.all.all() : this.stmts.forUpn.all(upn)
    ) as OathTokenRow[];
  }

  /** Imported for this UPN and not activated yet. */
  available(upn: string): OathTokenRow[] {
    return this.stmts.availableForUpn.all(upn) as OathTokenRow[];
  }

  find(serial: string): OathTokenRow | undefined {
    return this.stmts.bySerial.get(serial) as OathTokenRow | undefined;
  }

  exists(serial: string): boolean {
    return this.stmts.bySerial.get(serial) !== undefined;
  }

  /** A person with exactly this UPN is in the roster (import checks each row). */
  personExists(upn: string): boolean {
    return this.stmts.personWithUpn.get(upn) !== undefined;
  }

  insert(v: OathTokenValues): void {
    this.stmts.insert.run(
      v.serial,
      v.upn,
      v.secret,
      v.period,
      v.manufacturer,
      v.model,
      v.importedAt,
    );
  }

  /** Binds the token to its new method; false when it was activated meanwhile. */
  activate(serial: string, methodId: number, at: string): boolean {
    return this.stmts.activate.run(methodId, at, serial).changes === 1;
  }
}

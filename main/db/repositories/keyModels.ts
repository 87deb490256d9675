import type { Db } from '../connection';

/** The imported FIDO metadata BLOB (one row). */
export interface KeyMetadataRow {
  serial: number;
  next_update: string;
  root: string;
  imported_at: string;
}

export interface KeyModelRow {
  aaguid: string;
  name: string;
  status: string;
  status_date: string | null;
  compromised: 0 | 1;
}

/** All SQL on `key_metadata` and `key_models` (models from an imported MDS3 BLOB). */
export class KeyModelRepository {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      metadata: db.prepare('SELECT * FROM key_metadata WHERE id = 1'),
      putMetadata: db.prepare(
        `INSERT INTO key_metadata (id, serial, next_update, root, imported_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET serial = excluded.serial, next_update = excluded.next_update,
           root = excluded.root, imported_at = excluded.imported_at`,
      ),
      clear: db.prepare('DELETE FROM key_models'),
      insert: db.prepare(
        `INSERT INTO key_models (aaguid, name, status, status_date, compromised)
         VALUES (@aaguid, @name, @status, @status_date, @compromised)`,
      ),
      all: db.prepare('SELECT * FROM key_models ORDER BY aaguid'),
      compromised: db.prepare('SELECT * FROM key_models WHERE compromised = 1 ORDER BY name'),
      count: db.prepare('SELECT COUNT(*) AS n FROM key_models'),
    };
  }

  metadata(): KeyMetadataRow | undefined {
    return this.stmts.metadata.get() as KeyMetadataRow | undefined;
  }

  /** Replace the catalog (call inside the caller's transaction). */
  replace(meta: Omit<KeyMetadataRow, never>, models: readonly KeyModelRow[]): void {
    this.stmts.putMetadata.run(meta.serial, meta.next_update, meta.root, meta.imported_at);
    this.stmts.clear.run();
    for (const m of models) this.stmts.insert.run(m);
  }

  all(): KeyModelRow[] {
    return this.stmts.all.all() as KeyModelRow[];
  }

  compromised(): KeyModelRow[] {
    return this.stmts.compromised.all() as KeyModelRow[];
  }

  count(): number {
    return (this.stmts.count.get() as { n: number }).n;
  }
}

import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path of the registry file, or ':memory:' for throw-away tests. */
  readonly path: string;
  readonly readonly?: boolean;
  /** Migrations to apply (tests pass a prefix to check each step). Defaults to all. */
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the registry with the settings the crash-safety promise depends on (DESIGN.md §5: "a crash
 * never leaves half a method"): WAL so readers never block the writer, synchronous=FULL so a
 * committed enrollment survives power loss, and foreign keys so a method can never outlive its
 * person.
 */
export function openDatabase(opts: OpenDatabaseOptions): Db {
  const db = new Database(opts.path, { readonly: opts.readonly ?? false });
  try {
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -32000');
    if (!opts.readonly) migrate(db, opts.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Current schema version (PRAGMA user_version, bumped by each migration in its transaction). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the file's user_version, each in its own transaction
 * together with the version bump, so a crash mid-migration leaves the previous version intact.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  let version = schemaVersion(db);
  if (version > MIGRATIONS.length) {
    throw new Error(
      `registry schema ${version} is newer than this Keystation (${MIGRATIONS.length})`,
    );
  }
  for (const m of migrations) {
    if (m.version <= version) continue;
    if (m.version !== version + 1) throw new Error(`migration ${m.version} out of order`);
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    version = m.version;
  }
  return version;
}

/** PRAGMA integrity_check; returns true only for the single row "ok". */
export function integrityOk(db: Db): boolean {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.length === 1 && rows[0].integrity_check === 'ok';
}

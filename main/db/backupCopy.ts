import Database from 'better-sqlite3';

/**
 * Makes the copy one self-contained file (the live registry is WAL; a backup must not need
 * `-wal`/`-shm` companions) and counts what it holds — the copy, not the live registry.
 */
export function finishBackupCopy(file: string): {
  people: number;
  methods: number;
  integrityOk: boolean;
} {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const count = (table: 'people' | 'methods') =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      people: count('people'),
      methods: count('methods'),
      integrityOk: db.pragma('integrity_check', { simple: true }) === 'ok',
    };
  } finally {
    db.close();
  }
}

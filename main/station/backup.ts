import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { finishBackupCopy } from '../db/backupFile';
import { integrityOk, openDatabase } from '../db/connection';
import { AuditLog } from './audit';
import type { StationContext } from './context';
import { StationError } from './errors';

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
  readonly integrityOk: boolean;
  readonly auditOk: boolean;
  /**
   * `<path>.checkpoint.json`: the copy's audit head, signed like the anchor's checkpoints
   * (main/station/auditAnchor.ts), so the backup carries proof of how far its log went.
   */
  readonly checkpointPath: string;
}

/**
 * A verified backup (DESIGN.md §6): SQLite's online backup API copies a consistent snapshot while
 * the station keeps working; the copy is then opened read-only, integrity-checked and its
 * audit chain verified with the station key before we call it good.
 */
export async function backupRegistry(
  ctx: StationContext,
  destination: string,
): Promise<BackupResult> {
  ctx.session.assertStaff();
  if (existsSync(destination))
    throw new StationError('registry.backupFailed', { reason: 'exists' });
  try {
    await ctx.db.backup(destination);
  } catch {
    throw new StationError('registry.backupFailed', { reason: 'copy' });
  }
  const copy = openDatabase({ path: destination, readonly: true });
  let result: BackupResult;
  try {
    const audit = new AuditLog(copy, ctx.keys, ctx.stationId, ctx.clock, () => ctx.session.actor);
    const auditOk = audit.verify().ok;
    const checkpointPath = `${destination}.checkpoint.json`;
    if (auditOk) {
      writeFileSync(checkpointPath, JSON.stringify(audit.checkpoint(), null, 2) + '\n', {
        mode: 0o600,
      });
    }
    result = {
      path: destination,
      bytes: statSync(destination).size,
      integrityOk: integrityOk(copy),
      auditOk,
      checkpointPath,
    };
  } finally {
    copy.close();
  }
  if (!result.integrityOk || !result.auditOk)
    throw new StationError('registry.backupFailed', { reason: 'verify' });
  ctx.db.transaction(() => ctx.audit.append('registry.backedUp', null, { bytes: result.bytes }))();
  return result;
}

/** A verified backup on the station's own disk, with what the operator is shown. */
export interface BackupReport {
  /** File name under `<dataDir>/backups/`. */
  readonly fileName: string;
  readonly bytes: number;
  /** `PRAGMA integrity_check` of the copy, before and after it was made self-contained. */
  readonly integrityOk: boolean;
  /** The copy's audit chain verifies with the station key. */
  readonly auditOk: boolean;
  /** Hex SHA-256 of the backup file. */
  readonly sha256: string;
  /** Counted in the copy. */
  readonly people: number;
  readonly methods: number;
  readonly createdAt: string;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `keystation-20261122T013512Z.sqlite`: sortable, no characters a file system refuses. */
function backupFile(dir: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  let file = join(dir, `keystation-${stamp}.sqlite`);
  // Two backups in one second: a suffix, never overwriting (backupRegistry refuses that too).
  for (let n = 2; existsSync(file); n++) file = join(dir, `keystation-${stamp}-${n}.sqlite`);
  return file;
}

/**
 * A verified backup under `<dataDir>/backups/` (DESIGN.md §6): always on the station's own disk,
 * never a path from the renderer. The copy is verified (backupRegistry), made self-contained and
 * counted, and its SHA-256 reported.
 */
export async function backupToDataDir(ctx: StationContext, dataDir: string): Promise<BackupReport> {
  ctx.session.assertStaff();
  const dir = join(dataDir, 'backups');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = ctx.clock();
  const done = await backupRegistry(ctx, backupFile(dir, now));
  const copy = finishBackupCopy(done.path);
  return {
    fileName: basename(done.path),
    bytes: statSync(done.path).size,
    integrityOk: done.integrityOk && copy.integrityOk,
    auditOk: done.auditOk,
    sha256: await sha256Of(done.path),
    people: copy.people,
    methods: copy.methods,
    createdAt: now.toISOString(),
  };
}

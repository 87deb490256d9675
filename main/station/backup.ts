import { existsSync, statSync } from 'node:fs';
import { integrityOk, openDatabase } from '../db/connection';
import { AuditLog } from './audit';
import type { StationContext } from './context';
import { StationError } from './errors';

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
  readonly integrityOk: boolean;
  readonly auditOk: boolean;
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
    result = {
      path: destination,
      bytes: statSync(destination).size,
      integrityOk: integrityOk(copy),
      auditOk: audit.verify().ok,
    };
  } finally {
    copy.close();
  }
  if (!result.integrityOk || !result.auditOk)
    throw new StationError('registry.backupFailed', { reason: 'verify' });
  ctx.db.transaction(() => ctx.audit.append('registry.backedUp', null, { bytes: result.bytes }))();
  return result;
}

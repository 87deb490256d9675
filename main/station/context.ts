import type { Db } from '../db/connection';
import type { AuditLog } from './audit';
import type { Policy } from './policy';
import type { StationKeyring } from './secrets';
import type { Session } from './session';

export type StationMode = 'production' | 'demo';

/** What every service needs; built once by openStation. */
export interface StationContext {
  readonly db: Db;
  readonly keys: StationKeyring;
  readonly audit: AuditLog;
  readonly session: Session;
  readonly clock: () => Date;
  readonly mode: StationMode;
  readonly stationId: string;
  /** The current policy (cached; refreshed when an admin saves a new one). */
  policy(): Policy;
}

export function nowIso(ctx: Pick<StationContext, 'clock'>): string {
  return ctx.clock().toISOString();
}

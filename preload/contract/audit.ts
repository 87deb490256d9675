import { z } from 'zod';
import { call } from './define';

export interface AuditRow {
  seq: number;
  at: string;
  actor: { kind: 'system' | 'operator' | 'person'; id: string; label: string };
  action: string;
  personId: string | null;
  /** The person's UPN when the row names one that still exists. */
  personUpn: string | null;
  details: Record<string, string | number | boolean | null>;
  /** The chain check found this row edited, or the chain broken here. */
  flagged: boolean;
}

export interface AuditVerificationView {
  ok: boolean;
  rows: number;
  brokenAtSeq: number | null;
  problem: 'edited' | 'missing' | 'truncated' | 'head' | 'rolledBack' | 'anchor' | null;
}

export interface AuditPage {
  rows: AuditRow[];
  hasMore: boolean;
  verification: AuditVerificationView;
  /** Every action and actor seen, for the filters. */
  actions: string[];
  operators: string[];
}

export const auditFilterSchema = z
  .object({
    /** UPN or part of it. */
    person: z.string().max(256).optional(),
    /** Operator username (actor label). */
    operator: z.string().max(64).optional(),
    action: z.string().max(64).optional(),
    /** ISO dates (YYYY-MM-DD), inclusive, station local time is not assumed: UTC. */
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** Where the audit log's signed checkpoints go (outside the data directory). */
export interface AuditAnchorView {
  /** The directory in use, or null: no anchor. */
  dir: string | null;
  /** Given with --audit-anchor when the station started: not changed from the console. */
  fromCommandLine: boolean;
  /** The newest checkpoint written or read there. */
  checkpointSeq: number | null;
}

export const auditCalls = {
  list: call(
    auditFilterSchema.extend({ limit: z.number().int().min(1).max(2000).optional() }).strict(),
  ).returns<AuditPage>(),
  verify: call(z.object({}).strict()).returns<AuditVerificationView>(),
  exportCsv: call(auditFilterSchema).returns<{ csv: string; rows: number }>(),
  anchor: call(z.object({}).strict()).returns<AuditAnchorView>(),
  /** An admin chooses the anchor directory (a full path outside the data directory), or none. */
  setAnchor: call(
    z.object({ dir: z.string().trim().min(1).max(4096).nullable() }).strict(),
  ).returns<AuditAnchorView>(),
};

/**
 * The audit viewer (DESIGN.md §5–6): the log filtered as the operator asks, the chain check
 * shown with it (a broken row is flagged), and the CSV export of the same rows.
 */
import { AUDIT_ACTIONS, type AuditAction, type AuditDetails, type AuditLog } from './audit';
import { csvDocument } from './csv';
import type { AuditProblem } from './audit';
import type { PeopleService } from './people';
import type { Actor } from './types';

export interface AuditFilter {
  /** Part of the person's UPN, any case. */
  readonly person?: string;
  /** The operator's username, exactly (any case). */
  readonly operator?: string;
  readonly action?: string;
  /** Days (YYYY-MM-DD), inclusive. */
  readonly from?: string;
  readonly to?: string;
}

export interface AuditViewRow {
  readonly seq: number;
  readonly at: string;
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly personId: string | null;
  readonly personUpn: string | null;
  readonly details: AuditDetails;
  /** The first row where the chain breaks. */
  readonly flagged: boolean;
}

export interface AuditChainView {
  readonly ok: boolean;
  readonly rows: number;
  readonly brokenAtSeq: number | null;
  readonly problem: AuditProblem | null;
}

export class AuditViewer {
  constructor(
    private readonly audit: AuditLog,
    private readonly people: PeopleService,
  ) {}

  verify(): AuditChainView {
    const v = this.audit.verify();
    return {
      ok: v.ok,
      rows: v.rows,
      brokenAtSeq: v.brokenAtSeq ?? null,
      problem: v.problem ?? null,
    };
  }

  /** The newest `limit` matching rows, the chain check, and what the filters can choose from. */
  list(
    filter: AuditFilter,
    limit: number,
  ): {
    rows: AuditViewRow[];
    hasMore: boolean;
    verification: AuditChainView;
    actions: AuditAction[];
    operators: string[];
  } {
    const verification = this.verify();
    const rows = this.rowsMatching(filter, verification.brokenAtSeq);
    const operators = new Set<string>();
    for (const e of this.audit.all()) if (e.actor.kind === 'operator') operators.add(e.actor.label);
    return {
      rows: rows.slice(0, limit),
      hasMore: rows.length > limit,
      verification,
      actions: [...AUDIT_ACTIONS],
      operators: [...operators].sort(),
    };
  }

  /** Every matching row as CSV (formulas neutralised, main/station/csv.ts). */
  exportCsv(filter: AuditFilter): { csv: string; rows: number } {
    const rows = this.rowsMatching(filter, this.verify().brokenAtSeq);
    const checkpoint = this.audit.checkpoint();
    // The header stays bare (what spreadsheets and scripts match on); every data cell quoted.
    const csv =
      csvDocument([['seq', 'at', 'actor kind', 'actor', 'action', 'person', 'details', 'chain']]) +
      csvDocument(
        rows.map((r) => [
          String(r.seq),
          r.at,
          r.actor.kind,
          r.actor.label,
          r.action,
          r.personUpn ?? r.personId ?? '',
          JSON.stringify(r.details),
          r.flagged ? 'BROKEN' : 'ok',
        ]),
        { quoteAll: true },
      ) +
      // Last, the signed checkpoint of the log's head (main/station/auditAnchor.ts): a reader can
      // check that the export is this station's and how far the log went when it was taken.
      csvDocument(
        [
          [
            '',
            checkpoint.at,
            'system',
            'station',
            'audit.checkpoint',
            '',
            JSON.stringify(checkpoint),
            'signed',
          ],
        ],
        { quoteAll: true },
      );
    return { csv, rows: rows.length };
  }

  /** Newest first. */
  private rowsMatching(filter: AuditFilter, flaggedSeq: number | null): AuditViewRow[] {
    const upns = new Map<number, string | null>();
    const upnOf = (id: number | null): string | null => {
      if (id === null) return null;
      if (!upns.has(id)) upns.set(id, this.people.find(id)?.upn ?? null);
      return upns.get(id) ?? null;
    };
    const person = filter.person?.trim().toLowerCase() || null;
    const operator = filter.operator?.trim().toLowerCase() || null;
    const from = filter.from ?? null;
    const to = filter.to ?? null;
    const out: AuditViewRow[] = [];
    for (const e of this.audit.all()) {
      const upn = upnOf(e.personId);
      if (person && !(upn ?? '').toLowerCase().includes(person)) continue;
      if (operator && !(e.actor.kind === 'operator' && e.actor.label.toLowerCase() === operator))
        continue;
      if (filter.action && e.action !== filter.action) continue;
      const day = e.at.slice(0, 10);
      if (from && day < from) continue;
      if (to && day > to) continue;
      out.push({
        seq: e.seq,
        at: e.at,
        actor: { ...e.actor },
        action: e.action,
        personId: e.personId === null ? null : String(e.personId),
        personUpn: upn,
        details: { ...e.details },
        flagged: flaggedSeq !== null && e.seq === flaggedSeq,
      });
    }
    return out.reverse();
  }
}

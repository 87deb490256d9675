/** The audit viewer (DESIGN.md §5–6): filters, CSV export, and the chain check shown with it. */
import type { AuditFilter, AuditRow, AuditVerificationView } from '../../preload/contract';
import { AUDIT_ACTIONS } from '../station/audit';
import { csvDocument } from '../station/csv';
import type { Station } from '../station';
import type { DomainHandlers } from './dispatch';

function verification(station: Station): AuditVerificationView {
  const v = station.audit.verify();
  return {
    ok: v.ok,
    rows: v.rows,
    brokenAtSeq: v.brokenAtSeq ?? null,
    problem: v.problem ?? null,
  };
}

function rowsMatching(station: Station, filter: AuditFilter, flaggedSeq: number | null) {
  const upns = new Map<number, string | null>();
  const upnOf = (id: number | null): string | null => {
    if (id === null) return null;
    if (!upns.has(id)) upns.set(id, station.people.find(id)?.upn ?? null);
    return upns.get(id) ?? null;
  };
  const person = filter.person?.trim().toLowerCase() || null;
  const operator = filter.operator?.trim().toLowerCase() || null;
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  const out: AuditRow[] = [];
  for (const e of station.audit.all()) {
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

export function auditHandlers(station: Station): DomainHandlers<'audit'> {
  return {
    list({ limit = 500, ...filter }) {
      const v = verification(station);
      const rows = rowsMatching(station, filter, v.brokenAtSeq);
      const operators = new Set<string>();
      for (const e of station.audit.all())
        if (e.actor.kind === 'operator') operators.add(e.actor.label);
      return {
        rows: rows.slice(0, limit),
        hasMore: rows.length > limit,
        verification: v,
        actions: [...AUDIT_ACTIONS],
        operators: [...operators].sort(),
      };
    },
    verify() {
      return verification(station);
    },
    exportCsv(filter) {
      const v = verification(station);
      const rows = rowsMatching(station, filter, v.brokenAtSeq);
      // The header stays bare (what spreadsheets and scripts match on); every data cell quoted.
      const csv =
        csvDocument([
          ['seq', 'at', 'actor kind', 'actor', 'action', 'person', 'details', 'chain'],
        ]) +
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
        );
      return { csv, rows: rows.length };
    },
  };
}

/** The audit viewer's entries over the station's AuditViewer (main/station/auditView.ts). */
import type { Station } from '../station';
import {
  auditAnchorView,
  chooseAuditAnchor,
  type AuditAnchorSetting,
} from '../station/auditAnchorChoice';
import type { DomainHandlers } from './dispatch';

export function auditHandlers(
  station: Station,
  anchor: AuditAnchorSetting,
): DomainHandlers<'audit'> {
  return {
    anchor: () => auditAnchorView(station, anchor),
    setAnchor: ({ dir }) => chooseAuditAnchor(station, anchor, dir),
    list: ({ limit = 500, ...filter }) => station.auditViewer.list(filter, limit),
    verify: () => station.auditViewer.verify(),
    exportCsv: (filter) => station.auditViewer.exportCsv(filter),
  };
}

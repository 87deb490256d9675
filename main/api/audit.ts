/** The audit viewer's entries over the station's AuditViewer (main/station/auditView.ts). */
import type { Station } from '../station';
import type { DomainHandlers } from './dispatch';

export function auditHandlers(station: Station): DomainHandlers<'audit'> {
  return {
    list: ({ limit = 500, ...filter }) => station.auditViewer.list(filter, limit),
    verify: () => station.auditViewer.verify(),
    exportCsv: (filter) => station.auditViewer.exportCsv(filter),
  };
}

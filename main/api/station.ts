import type { Station } from '../station';
import type { DomainHandlers } from './dispatch';

export function stationHandlers(
  station: Station,
  about: { version: string; host: 'electron' | 'browser' },
): DomainHandlers<'station'> {
  return {
    info() {
      return {
        mode: station.mode,
        version: about.version,
        organizationName: station.policy.get().organizationName,
        host: about.host,
        auditIntact: station.audit.integrityAlarm() === null,
      };
    },
  };
}

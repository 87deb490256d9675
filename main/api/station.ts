import type { Station } from '../station';
import type { DomainHandlers } from './dispatch';

export function stationHandlers(
  station: Station,
  about: { version: string; host: 'electron' | 'browser' },
): DomainHandlers<'station'> {
  return {
    info: () => ({ ...station.about(), version: about.version, host: about.host }),
  };
}

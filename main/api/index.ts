/**
 * The composition root shared by both hosts: opens the station, builds one handler per
 * contract entry (main/api/<domain>.ts) and the dispatcher in front of them.
 *
 * Adding a domain: write preload/contract/<domain>.ts, add it to `contract` in
 * preload/contract.ts, write main/api/<domain>.ts returning DomainHandlers<'<domain>'>, add it
 * to `createHandlers` below. tsc fails until every entry has a handler.
 */
import { openStation, type Station } from '../station';
import { enrollmentHandlers } from './enrollment';
import { createDispatch, type ContractHandlers, type DispatchLog } from './dispatch';
import { StationEventBus } from './events';
import { methodsHandlers } from './methods';
import { peopleHandlers } from './people';
import { securityInfoHandlers } from './security-info';
import { securityKeyHandlers } from './security-key';
import { KeyDevices } from './security-key-devices';
import { settingsHandlers } from './settings-handlers';
import type { SettingsStore } from './settings';
import { stationHandlers } from './station';
import type { StationHost, StationHostOptions } from './station-host';
import { virtualKeyHandlers } from './virtual-key';

export interface HandlerDeps {
  station: Station;
  settings: SettingsStore;
  bus: StationEventBus;
  version: string;
  host: 'electron' | 'browser';
  /** USB keys + demo virtual keys; default: the station's mode, no USB polling (tests). */
  keyDevices?: KeyDevices;
}

export function createHandlers(deps: HandlerDeps): ContractHandlers {
  const keyDevices =
    deps.keyDevices ?? new KeyDevices({ mode: deps.station.mode, bus: deps.bus, watchUsb: false });
  return {
    station: stationHandlers(deps.station, { version: deps.version, host: deps.host }),
    settings: settingsHandlers(deps.settings),
    people: peopleHandlers(deps.station),
    securityInfo: securityInfoHandlers(deps.station),
    methods: methodsHandlers(deps.station),
    securityKey: securityKeyHandlers(deps.station, keyDevices),
    virtualKey: virtualKeyHandlers(keyDevices),
    // openStationHost opens the station with its default (offline) OutboxGateway.
    enrollment: enrollmentHandlers(deps.station, { gateway: 'outbox' }),
  };
}

export async function openStationHost(
  options: StationHostOptions,
  log?: DispatchLog,
): Promise<StationHost> {
  const station = openStation({
    dataDir: options.dataDir,
    demo: options.demo,
    mode: options.demo ? 'demo' : 'production',
  });
  const bus = new StationEventBus();
  const keyDevices = new KeyDevices({ mode: station.mode, bus, dataDir: options.dataDir });
  const handlers = createHandlers({
    station,
    settings: options.settings,
    bus,
    version: options.version,
    host: options.host,
    keyDevices,
  });
  return {
    dispatch: createDispatch(handlers, log),
    bus,
    settings: options.settings,
    close: () => {
      keyDevices.close();
      station.close();
    },
  };
}

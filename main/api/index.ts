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
import { auditHandlers } from './audit';
import { authorize, isPublicEntry } from './authorization';
import { kioskHandlers } from './kiosk';
import { operatorHandlers, StationAccess } from './operator';
import { passesHandlers } from './passes';
import { policyHandlers } from './policy';
import { rosterHandlers } from './roster';
import { currentStationMode, hiddenPersonRefusal } from './station-mode';

export interface HandlerDeps {
  station: Station;
  settings: SettingsStore;
  bus: StationEventBus;
  version: string;
  host: 'electron' | 'browser';
  /** USB keys + demo virtual keys; default: the station's mode, no USB polling (tests). */
  keyDevices?: KeyDevices;
  /** Who the station serves now (operator console / kiosk, issue 7). */
  access?: StationAccess;
}

export function createHandlers(deps: HandlerDeps): ContractHandlers {
  const keyDevices =
    deps.keyDevices ??
    new KeyDevices({ mode: () => deps.station.mode, bus: deps.bus, watchUsb: false });
  const access = deps.access ?? new StationAccess(deps.station, deps.settings);
  return {
    operator: operatorHandlers(deps.station, access, keyDevices),
    kiosk: kioskHandlers(deps.station, access, keyDevices),
    roster: rosterHandlers(deps.station),
    passes: passesHandlers(deps.station),
    policy: policyHandlers(deps.station),
    audit: auditHandlers(deps.station),
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
    // Read at each use: production chosen at first run applies at once (station-mode.ts).
    mode: () => currentStationMode(options.settings.get(), options.demo),
    secretSealer: options.secretSealer,
  });
  const bus = new StationEventBus();
  const access = new StationAccess(station, options.settings, {
    onPersonSessionEnded: (reason) => bus.emit('kiosk.sessionEnded', { reason }),
  });
  const keyDevices = new KeyDevices({
    mode: () => station.mode,
    bus,
    dataDir: options.dataDir,
  });
  const handlers = createHandlers({
    station,
    settings: options.settings,
    bus,
    version: options.version,
    host: options.host,
    keyDevices,
    access,
  });
  return {
    // Authorisation per session role, before any handler (main/api/authorization.ts).
    dispatch: createDispatch(handlers, log, (domain, name, args) => {
      access.expireIfIdle();
      const refusal = authorize(domain, name, args, access) ?? hiddenPersonRefusal(station, args);
      // Activity is what a person does, not the renderer's public polling.
      if (!refusal && !isPublicEntry(domain, name)) access.touch();
      return refusal;
    }),
    bus,
    settings: options.settings,
    close: () => {
      keyDevices.close();
      station.close();
    },
  };
}

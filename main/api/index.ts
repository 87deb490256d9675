/**
 * The composition root shared by both hosts: opens the station, builds one handler per
 * contract entry (main/api/<domain>.ts) and the dispatcher in front of them.
 *
 * Adding a domain: write preload/contract/<domain>.ts, add it to `contract` in
 * preload/contract.ts, write main/api/<domain>.ts returning DomainHandlers<'<domain>'>, add it
 * to `createHandlers` below. tsc fails until every entry has a handler.
 */
import { openStation, type Station } from '../station';
import { systemClock } from '../station/clock';
import { StationAccess } from '../station/access';
import { KeyDevices } from '../station/devices';
import { OperatorKeyCeremonies } from '../station/operatorKeys';
import { SecurityKeyManager } from '../station/keyManager';
import { PasswordResetKeys } from '../station/passwordResetKeys';
import { SecurityKeyFlow } from '../station/securityKeyFlow';
import { ProvisioningDesk } from '../station/provisioning/desk';
import { provisioningHandlers } from './provisioning';
import { keyManagerHandlers } from './key-manager';
import { identityProviderHandlers } from './identity-provider';
import { auditHandlers } from './audit';
import { authorize, isPublicEntry } from './authorization';
import { createDispatch, type ContractHandlers, type DispatchLog } from './dispatch';
import { enrollmentHandlers } from './enrollment';
import { keyDeviceEvents, StationEventBus } from './events';
import { kioskHandlers } from './kiosk';
import { passwordResetHandlers } from './password-reset';
import { methodsHandlers } from './methods';
import { operatorHandlers } from './operator';
import { passesHandlers } from './passes';
import { peopleHandlers } from './people';
import { policyHandlers } from './policy';
import { rosterHandlers } from './roster';
import { securityInfoHandlers } from './security-info';
import { securityKeyHandlers } from './security-key';
import type { SettingsStore } from './settings';
import { settingsHandlers } from './settings-handlers';
import { stationHandlers } from './station';
import type { HostElevation, StationHost, StationHostOptions } from './station-host';
import { currentStationMode } from '../station/stationMode';
import { hiddenPersonRefusal } from './station-mode';
import { virtualKeyHandlers } from './virtual-key';

export interface HandlerDeps {
  station: Station;
  settings: SettingsStore;
  bus: StationEventBus;
  version: string;
  host: 'electron' | 'browser';
  /** USB keys + demo virtual keys; default: the station's mode, no USB polling (tests). */
  keyDevices?: KeyDevices;
  /** Who the station serves now (operator console / kiosk). */
  access?: StationAccess;
  /** The operator's own key; default: over `keyDevices`. */
  operatorKeys?: OperatorKeyCeremonies;
  /** --audit-anchor, when the host was given one (it wins over the app setting). */
  auditAnchorDir?: string;
  /** "Restart as administrator" (the Electron host on Windows). */
  elevation?: HostElevation;
}

export function createHandlers(deps: HandlerDeps): ContractHandlers {
  const keyDevices =
    deps.keyDevices ??
    new KeyDevices({
      mode: () => deps.station.mode,
      emit: keyDeviceEvents(deps.bus),
      watchUsb: false,
    });
  const operatorKeys = deps.operatorKeys ?? new OperatorKeyCeremonies(deps.station, keyDevices);
  const access =
    deps.access ??
    new StationAccess(deps.station, deps.settings, operatorKeys, {
      onModeChanged: () => keyDevices.modeChanged(),
    });
  return {
    operator: operatorHandlers(access, operatorKeys),
    kiosk: kioskHandlers(access),
    roster: rosterHandlers(deps.station),
    passes: passesHandlers(deps.station),
    policy: policyHandlers(deps.station),
    audit: auditHandlers(deps.station, {
      dataDir: deps.station.dataDir,
      ...(deps.auditAnchorDir !== undefined ? { commandLine: deps.auditAnchorDir } : {}),
      get: () => deps.settings.get().auditAnchorDir,
      save: (dir) => deps.settings.update({ auditAnchorDir: dir }),
    }),
    station: stationHandlers(deps.station, { version: deps.version, host: deps.host }),
    settings: settingsHandlers(deps.settings, () => access.kiosk()),
    people: peopleHandlers(deps.station),
    securityInfo: securityInfoHandlers(deps.station),
    methods: methodsHandlers(deps.station),
    securityKey: securityKeyHandlers(
      new SecurityKeyFlow(deps.station.enroll.securityKey, deps.station.policy, keyDevices),
    ),
    virtualKey: virtualKeyHandlers(keyDevices),
    keyManager: keyManagerHandlers(
      new SecurityKeyManager(deps.station, keyDevices),
      deps.elevation,
    ),
    passwordReset: passwordResetHandlers(
      deps.station,
      access,
      new PasswordResetKeys(deps.station.passwordReset, keyDevices),
    ),
    provisioning: provisioningHandlers(
      deps.station,
      new ProvisioningDesk(deps.station, keyDevices, () =>
        deps.bus.emit('provisioning.changed', {}),
      ),
    ),
    // openStationHost opens the station with its default (offline) OutboxGateway.
    enrollment: enrollmentHandlers(deps.station, { gateway: 'outbox' }),
    identityProvider: identityProviderHandlers(deps.station),
  };
}

/** The host and the parts it composed: for tests that look behind the contract. */
export interface ComposedStationHost {
  readonly host: StationHost;
  readonly station: Station;
  readonly keyDevices: KeyDevices;
}

export async function openStationHost(
  options: StationHostOptions,
  log?: DispatchLog,
): Promise<StationHost> {
  return (await composeStationHost(options, log)).host;
}

/** What openStationHost builds, with the station and its key devices beside the host. */
export function composeStationHost(
  options: StationHostOptions,
  log?: DispatchLog,
): Promise<ComposedStationHost> {
  const clock = options.clock ?? systemClock;
  const station = openStation({
    dataDir: options.dataDir,
    demo: options.demo,
    clock: () => new Date(clock.now()),
    // Read at each use: production chosen at first run applies at once (stationMode.ts).
    mode: () => currentStationMode(options.settings.get(), options.demo),
    secretSealer: options.secretSealer,
    auditAnchorDir: () =>
      options.auditAnchorDir ?? options.settings.get().auditAnchorDir ?? undefined,
  });
  // Local changes for the identity provider are sent at once when it can be reached.
  station.idp.autoPush = true;
  const bus = new StationEventBus();
  const keyDevices = new KeyDevices({
    mode: () => station.mode,
    emit: keyDeviceEvents(bus),
    dataDir: options.dataDir,
    watchUsb: options.watchUsb,
    extraPaths: options.keyPaths,
    touchTimeoutMs: options.virtualKeyTouchTimeoutMs,
    virtualKeyProfiles: options.virtualKeyProfiles,
    capacity: options.virtualKeyCapacity,
  });
  const operatorKeys = new OperatorKeyCeremonies(station, keyDevices);
  const access = new StationAccess(station, options.settings, operatorKeys, {
    clock: () => clock.now(),
    kioskIdleSeconds: options.kioskIdleSeconds,
    operatorIdleSeconds: options.operatorIdleSeconds,
    onPersonSessionEnded: (reason) => bus.emit('kiosk.sessionEnded', { reason }),
    onModeChanged: () => keyDevices.modeChanged(),
  });
  const handlers = createHandlers({
    station,
    settings: options.settings,
    bus,
    version: options.version,
    host: options.host,
    keyDevices,
    access,
    operatorKeys,
    ...(options.auditAnchorDir !== undefined ? { auditAnchorDir: options.auditAnchorDir } : {}),
    ...(options.elevation ? { elevation: options.elevation } : {}),
  });
  const host: StationHost = {
    // Authorisation per session role, before any handler (main/api/authorization.ts).
    dispatch: createDispatch(handlers, log, (domain, name, args) => {
      access.expireIfIdle();
      const refusal = authorize(domain, name, args, access) ?? hiddenPersonRefusal(access, args);
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
  return Promise.resolve({ host, station, keyDevices });
}

/**
 * What the security key API tests share: the real dispatcher over the real station (SQLite in a
 * temp dir) and the in-process virtual key(s) of KeyDevices, with in-memory settings, plus the
 * enrollment steps a person takes at the station.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatch, type CallContext, type Dispatch } from '../../../main/api/dispatch';
import { keyDeviceEvents, StationEventBus } from '../../../main/api/events';
import { createHandlers } from '../../../main/api/index';
import { KeyDevices } from '../../../main/station/devices';
import type { SettingsStore } from '../../../main/api/settings';
import { openStation, type Station } from '../../../main/station/index';
import type { EventName } from '../../../preload/contract';

export interface ContractFailure {
  kind: string;
  code: string;
  params?: Record<string, unknown>;
}

export interface Harness {
  station: Station;
  devices: KeyDevices;
  call<T = unknown>(channel: string, args: unknown): Promise<T>;
  fail(channel: string, args: unknown): Promise<ContractFailure>;
  /** Every event the bus and the call context emitted, in order. */
  events: { name: EventName; payload: unknown }[];
  /** Called with each event as it is emitted (after it is added to `events`). */
  onEvent(listener: (name: EventName, payload: unknown) => void): void;
  close(): void;
}

export interface HarnessOptions {
  /** How many discoverable credentials the virtual key holds (its default when absent). */
  capacity?: number;
  /** Name prefix of the temp data dir. */
  dirPrefix?: string;
}

function memorySettings(): SettingsStore {
  let value = {
    language: null,
    theme: 'system',
    stationMode: 'demo',
    kiosk: false,
    window: {},
  } as unknown as ReturnType<SettingsStore['get']>;
  return {
    get: () => value,
    update(patch: Partial<typeof value>) {
      value = { ...value, ...patch };
      return value;
    },
  } as unknown as SettingsStore;
}

export function harness(mode: 'demo' | 'production', options: HarnessOptions = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), options.dirPrefix ?? 'ks-api-'));
  const station = openStation({ dataDir: dir, demo: true, mode });
  const bus = new StationEventBus();
  const devices = new KeyDevices({
    mode,
    emit: keyDeviceEvents(bus),
    watchUsb: false,
    touchTimeoutMs: 800,
    capacity: options.capacity,
  });
  const events: { name: EventName; payload: unknown }[] = [];
  const listeners: ((name: EventName, payload: unknown) => void)[] = [];
  const record = (name: EventName, payload: unknown) => {
    events.push({ name, payload });
    for (const l of listeners) l(name, payload);
  };
  bus.attach(record);
  const handlers = createHandlers({
    station,
    settings: memorySettings(),
    bus,
    version: 'test',
    host: 'browser',
    keyDevices: devices,
  });
  const dispatch: Dispatch = createDispatch(handlers, {
    error: (channel, e) => console.error(channel, e),
  });
  const ctx: CallContext = {
    host: 'browser',
    emit: record,
  };
  return {
    station,
    devices,
    events,
    onEvent: (listener) => listeners.push(listener),
    async call<T>(channel: string, args: unknown): Promise<T> {
      const r = await dispatch(`ks:${channel}`, args, ctx);
      if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
      return r.value as T;
    },
    async fail(channel, args) {
      const r = await dispatch(`ks:${channel}`, args, ctx);
      if (r.ok) throw new Error(`${channel} succeeded`);
      return r.error as ContractFailure;
    },
    close() {
      devices.close();
      station.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function personId(h: Harness, upn: string): string {
  return String(h.station.people.getByUpn(upn).id);
}

/**
 * Touch the virtual key whenever it asks, once the station has told the person so (its
 * "touchNeeded" progress event): what a person at the station does, without waiting on time.
 * Removing the key's 'upneeded' listeners stops it.
 */
export function touchWhenAsked(h: Harness): void {
  const key = () => h.devices.virtual().key;
  let asked = false;
  key().on('upneeded', () => {
    asked = true;
  });
  h.onEvent((_name, payload) => {
    const status = (payload as { status?: unknown } | null)?.status;
    if (asked && status === 'touchNeeded' && key().waitingForTouch) {
      asked = false;
      key().touch();
    }
  });
}

/** securityKey.begin on the first virtual key. */
export function beginEnrollment<T extends { enrollmentId: string } = { enrollmentId: string }>(
  h: Harness,
  person: string,
  operationId: string,
): Promise<T> {
  return h.call<T>('securityKey.begin', { personId: person, deviceId: 'virtual-1', operationId });
}

/** securityKey.begin on the first virtual key, expected to be refused: the failure. */
export function refusedEnrollment(
  h: Harness,
  person: string,
  operationId: string,
): Promise<ContractFailure> {
  return h.fail('securityKey.begin', { personId: person, deviceId: 'virtual-1', operationId });
}

/** Register the key (touch needed) and give the new method its name. */
export async function registerAndComplete(
  h: Harness,
  enrollmentId: string,
  registerOperationId: string,
  completeOperationId: string,
  name: string,
): Promise<void> {
  await h.call('securityKey.register', { enrollmentId, operationId: registerOperationId });
  await h.call('securityKey.complete', { enrollmentId, operationId: completeOperationId, name });
}

/** The set-PIN step of a key without a PIN, typed the same twice. */
export function setPin(h: Harness, enrollmentId: string, pin: string): Promise<unknown> {
  return h.call('securityKey.setPin', { enrollmentId, pin, confirmation: pin });
}

/** The change-PIN step of a key that demands a new PIN, the new one confirmed. */
export function changePin(
  h: Harness,
  enrollmentId: string,
  currentPin: string,
  newPin: string,
): Promise<unknown> {
  return h.call('securityKey.changePin', {
    enrollmentId,
    currentPin,
    newPin,
    confirmation: newPin,
  });
}

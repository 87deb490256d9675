/**
 * What the security key API tests share: the real station host (openStationHost's composition:
 * dispatcher, authorisation guard, station over SQLite in a temp dir, the in-process virtual
 * key(s) of KeyDevices) with in-memory settings, plus the enrollment steps a person takes at
 * the station. A demo harness is an open demo station before its first run; a production one
 * has been set up for production at first run through the contract, its operator signed in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallContext } from '../../../main/api/dispatch';
import { composeStationHost } from '../../../main/api/index';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { KeyDevices } from '../../../main/station/devices';
import type { Station } from '../../../main/station/index';
import { channelOf, type EventName } from '../../../preload/contract';
import { firstRunSetup, OPERATOR_PASSWORD } from './contract-caller';

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
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** How many discoverable credentials the virtual key holds (its default when absent). */
  capacity?: number;
  /** Name prefix of the temp data dir. */
  dirPrefix?: string;
}

/** The first operator a production harness sets up (and is signed in as). */
export const HARNESS_OPERATOR = { username: 'op.harness', password: OPERATOR_PASSWORD };

export async function harness(
  mode: 'demo' | 'production',
  options: HarnessOptions = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), options.dirPrefix ?? 'ks-api-'));
  const { host, station, keyDevices } = await composeStationHost({
    dataDir: dir,
    demo: true,
    settings: new MemorySettingsStore(),
    host: 'browser',
    version: 'test',
    watchUsb: false,
    virtualKeyTouchTimeoutMs: 800,
    virtualKeyCapacity: options.capacity,
  });
  const events: { name: EventName; payload: unknown }[] = [];
  const listeners: ((name: EventName, payload: unknown) => void)[] = [];
  const record = (name: EventName, payload: unknown) => {
    events.push({ name, payload });
    for (const l of listeners) l(name, payload);
  };
  host.bus.attach(record);
  const ctx: CallContext = { host: 'browser', emit: record };
  const dispatch = (channel: string, args: unknown) => {
    const [domain, name] = channel.split('.');
    return host.dispatch(channelOf(domain, name), args, ctx);
  };
  const h: Harness = {
    station,
    devices: keyDevices,
    events,
    onEvent: (listener) => listeners.push(listener),
    async call<T>(channel: string, args: unknown): Promise<T> {
      const r = await dispatch(channel, args);
      if (!r.ok) throw new Error(`${channel}: ${JSON.stringify(r.error)}`);
      return r.value as T;
    },
    async fail(channel, args) {
      const r = await dispatch(channel, args);
      if (r.ok) throw new Error(`${channel} succeeded`);
      return r.error as ContractFailure;
    },
    async close() {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (mode === 'production') {
    await h.call(
      'operator.setup',
      firstRunSetup('production', { username: HARNESS_OPERATOR.username }),
    );
  }
  return h;
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

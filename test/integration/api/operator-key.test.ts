/**
 * An operator's own security key passes the same rules as a person's key (DESIGN.md §3.3, §3.7,
 * §4), through the real host and its guard: a new PIN follows the organization's PIN policy,
 * and a production station refuses the virtual key even when it is reached over UDP and looks
 * like a USB key. Each refusal is the person flow's, code and parameters alike, and changes
 * nothing on the key or in the registry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStationHost } from '../../../main/api';
import { MemorySettingsStore } from '../../../main/api/settings';
import type { StationHost } from '../../../main/api/station-host';
import type { ContractError, EditablePolicy } from '../../../preload/contract';
import { startUdpVirtualKey, type UdpVirtualKey } from '../../../native/virtual-key/index';
import en from '../../../renderer/src/i18n/en.json';
import sv from '../../../renderer/src/i18n/sv.json';
import { contractCaller, firstRunSetup } from './contract-caller';

/** The message the security key flow shows for a station error code (renderer/src/i18n). */
function flowMessage(catalog: unknown, code: string): unknown {
  let node: unknown = (catalog as { securityKey: { errors: unknown } }).securityKey.errors;
  for (const part of code.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

describe("an operator's own key follows a person's key rules", () => {
  let dir: string;
  let host: StationHost;
  let udp: UdpVirtualKey | undefined;
  const { call, value } = contractCaller(() => host);

  async function failure(entry: string, args: object): Promise<ContractError> {
    const r = await call(entry, args);
    if (r.ok) throw new Error(`${entry} succeeded`);
    return r.error;
  }

  async function open(demo: boolean, keyPaths: string[] = []): Promise<void> {
    dir = mkdtempSync(join(tmpdir(), 'ks-operator-key-'));
    host = await openStationHost({
      dataDir: dir,
      demo,
      settings: new MemorySettingsStore(),
      host: 'browser',
      version: 'test',
      watchUsb: false,
      keyPaths,
    });
  }

  afterEach(async () => {
    await host.close();
    await udp?.close();
    udp = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** The person flow's answer to `pin` as the new PIN of a key without one. */
  async function personFlowPinRefusal(pin: string): Promise<ContractError> {
    const anna = await value<{ people: { id: string }[] }>('people.search', { query: 'anna' });
    const started = await value<{ enrollmentId: string; pinStep: string }>('securityKey.begin', {
      personId: anna.people[0].id,
      deviceId: 'virtual-1',
      operationId: `person-${pin}`,
    });
    expect(started.pinStep).toBe('set');
    const error = await failure('securityKey.setPin', {
      enrollmentId: started.enrollmentId,
      pin,
      confirmation: pin,
    });
    await value('securityKey.cancel', { enrollmentId: started.enrollmentId });
    return error;
  }

  async function keyState(): Promise<{ pinSet: boolean; credentialCount: number }> {
    const { keys } = await value<{ keys: { pinSet: boolean; credentialCount: number }[] }>(
      'virtualKey.list',
      {},
    );
    return keys[0];
  }

  it('PIN 0000 is refused as in the person flow, under either PIN rule', async () => {
    await open(true);
    await value('operator.setup', firstRunSetup('demo'));

    // The demo policy: at least 6 characters, no trivial PIN; the operator's key page is told
    // exactly these rules, as a person's key flow is.
    expect(await value('operator.keyStatus', {})).toMatchObject({
      present: true,
      pinSet: false,
      pinPolicy: { minLength: 6, rejectTrivial: true },
    });
    const personShort = await personFlowPinRefusal('0000');
    expect(personShort).toEqual({ kind: 'station', code: 'pin.tooShort', params: { min: 6 } });
    expect(await failure('operator.registerKey', { pin: '0000', name: 'Desk key' })).toEqual(
      personShort,
    );

    // Four characters allowed: still a trivial PIN, in both flows.
    const policy = await value<EditablePolicy>('policy.get', {});
    await value('policy.update', { policy: { ...policy, pin: { ...policy.pin, minLength: 4 } } });
    expect(await value('operator.keyStatus', {})).toMatchObject({
      pinPolicy: { minLength: 4, rejectTrivial: true },
    });
    const personTrivial = await personFlowPinRefusal('0000');
    expect(personTrivial).toEqual({ kind: 'station', code: 'pin.trivial' });
    expect(await failure('operator.registerKey', { pin: '0000', name: 'Desk key' })).toEqual(
      personTrivial,
    );
    for (const catalog of [en, sv]) {
      expect(typeof flowMessage(catalog, 'pin.trivial')).toBe('string');
      expect(flowMessage(catalog, 'pin.tooShort')).toBeTruthy();
    }

    // Nothing reached the key and the operator has no key.
    expect(await keyState()).toMatchObject({ pinSet: false, credentialCount: 0 });
    const status = await value<{ operator: { securityKeys: number } }>('operator.status', {});
    expect(status.operator.securityKeys).toBe(0);

    // A PIN the policy accepts registers the key (the refusals above were the rule, not the key).
    await value('virtualKey.setTouchMode', { mode: 'auto' });
    const op = await value<{ securityKeys: number }>('operator.registerKey', {
      pin: '482915',
      name: 'Desk key',
    });
    expect(op.securityKeys).toBe(1);
    expect(await keyState()).toMatchObject({ pinSet: true, credentialCount: 1 });
  });

  it('a production station refuses the virtual key over UDP as in the person flow', async () => {
    udp = await startUdpVirtualKey({ touch: 'auto' });
    await open(false, [udp.path]);
    await value('operator.setup', firstRunSetup('production'));
    // Polled like USB: wait until the UDP key is listed.
    let deviceId = '';
    await expect
      .poll(async () => {
        const d = await value<{ devices: { deviceId: string }[] }>('securityKey.devices', {});
        deviceId = d.devices[0]?.deviceId ?? '';
        return deviceId;
      })
      .not.toBe('');

    const person = await value<{ id: string }>('roster.create', {
      upn: 'ada@example.org',
      displayName: 'Ada Lovelace',
      department: 'Engineering',
      email: '',
      mobile: '',
    });
    const personRefusal = await failure('securityKey.begin', {
      personId: person.id,
      deviceId,
      operationId: 'person-udp',
    });
    expect(personRefusal).toEqual({ kind: 'station', code: 'securityKey.virtualKeyRefused' });

    const keyStatus = await value<{ present: boolean }>('operator.keyStatus', {});
    expect(keyStatus.present).toBe(true);
    expect(await failure('operator.registerKey', { pin: '482915', name: 'Desk key' })).toEqual(
      personRefusal,
    );
    // Refused before anything was sent: no PIN was set on the key, no credential made.
    const onKey = udp.key.exportState();
    expect(onKey.pin).toBeUndefined();
    expect(onKey.credentials).toEqual([]);
    const status = await value<{ operator: { securityKeys: number } }>('operator.status', {});
    expect(status.operator.securityKeys).toBe(0);
    // Nor can it sign an operator in.
    await value('operator.signOut', {});
    expect(await failure('operator.signInWithKey', { username: 'op.one', pin: '482915' })).toEqual(
      personRefusal,
    );
    for (const catalog of [en, sv]) {
      expect(typeof flowMessage(catalog, 'securityKey.virtualKeyRefused')).toBe('string');
    }
  });
});

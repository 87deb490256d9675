/**
 * Hot-plug of USB keys (DESIGN.md §3.3 "Insert your security key"): KeyDevices polls the HID
 * enumeration (here a scripted one in place of node-hid), gives each key a session id and
 * pushes key.inserted / key.removed to every renderer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keyDeviceEvents, StationEventBus } from '../../../main/api/events';
import { KeyDevices } from '../../../main/station/devices';
import type { HidDeviceDescriptor } from '../../../native/index';

const yubikey: HidDeviceDescriptor = {
  path: '/dev/hidraw3',
  kind: 'usb',
  vendorId: 0x1050,
  productId: 0x0407,
  product: 'YubiKey OTP+FIDO+CCID',
};
const solo: HidDeviceDescriptor = { path: '/dev/hidraw4', kind: 'usb', product: 'Solo 2' };

describe('KeyDevices', () => {
  let devices: KeyDevices | undefined;
  afterEach(() => devices?.close());

  it('lists USB keys as they come and go, with stable session ids, and announces it', async () => {
    let present: HidDeviceDescriptor[] = [];
    const bus = new StationEventBus();
    const events: { name: string; payload: unknown }[] = [];
    bus.attach((name, payload) => events.push({ name, payload }));
    devices = new KeyDevices({
      mode: 'production',
      emit: keyDeviceEvents(bus),
      enumerate: () => Promise.resolve(present),
      pollMs: 20,
    });
    expect(devices.list()).toEqual([]);
    present = [yubikey];
    await expect
      .poll(() => devices?.list())
      .toEqual([{ deviceId: 'usb-1', productName: 'YubiKey OTP+FIDO+CCID', virtual: false }]);
    present = [yubikey, solo];
    await expect.poll(() => devices?.list().length).toBe(2);
    expect(devices.target('usb-2')).toEqual(solo);
    present = [solo];
    await expect.poll(() => devices?.list().map((d) => d.deviceId)).toEqual(['usb-2']);
    expect(() => devices?.target('usb-1')).toThrow(
      expect.objectContaining({ code: 'securityKey.notFound' }),
    );
    expect(events).toEqual([
      {
        name: 'key.inserted',
        payload: { deviceId: 'usb-1', productName: 'YubiKey OTP+FIDO+CCID', virtual: false },
      },
      {
        name: 'key.inserted',
        payload: { deviceId: 'usb-2', productName: 'Solo 2', virtual: false },
      },
      { name: 'key.removed', payload: { deviceId: 'usb-1' } },
    ]);
  });

  it('an enumeration that fails (node-hid missing) leaves the list empty, no crash', async () => {
    let enumerations = 0;
    devices = new KeyDevices({
      mode: 'production',
      emit: () => undefined,
      enumerate: () => {
        enumerations += 1;
        return Promise.reject(new Error('cannot load node-hid'));
      },
      pollMs: 20,
    });
    expect(devices.list()).toEqual([]);
    // Several failed polls later the station still runs, with nothing listed.
    await expect.poll(() => enumerations).toBeGreaterThanOrEqual(3);
    expect(devices.list()).toEqual([]);
  });

  it('demo mode: one virtual key, more on request (at most 4); production: none', () => {
    devices = new KeyDevices({ mode: 'demo', emit: () => undefined, watchUsb: false });
    expect(devices.list()).toEqual([{ deviceId: 'virtual-1', productName: null, virtual: true }]);
    for (let i = 0; i < 3; i++) devices.addVirtualKey();
    expect(() => devices?.addVirtualKey()).toThrow();
    expect(devices.list()).toHaveLength(4);
    devices.close();
    devices = new KeyDevices({ mode: 'production', emit: () => undefined, watchUsb: false });
    expect(devices.list()).toEqual([]);
    expect(() => devices?.virtual()).toThrow(
      expect.objectContaining({ code: 'securityKey.virtualKeyRefused' }),
    );
  });
});

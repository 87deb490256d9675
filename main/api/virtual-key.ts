/**
 * Demo-only controls of the in-process virtual key (staff training, e2e) over the station's
 * KeyDevices (main/station/devices.ts). Every entry refuses on a production station
 * (`securityKey.virtualKeyRefused`): KeyDevices holds no virtual key there at all.
 */
import type { KeyDevices } from '../station/devices';
import type { DomainHandlers } from './dispatch';

export function virtualKeyHandlers(devices: KeyDevices): DomainHandlers<'virtualKey'> {
  return {
    list: () => ({ keys: devices.listVirtual() }),
    touch: ({ deviceId }) => ({ touched: devices.touchVirtual(deviceId) }),
    deny: ({ deviceId }) => ({ denied: devices.denyVirtual(deviceId) }),
    unplug: ({ deviceId }) => devices.controlVirtual(deviceId, { kind: 'unplug' }),
    plugIn: ({ deviceId }) => devices.controlVirtual(deviceId, { kind: 'plugIn' }),
    powerCycle: ({ deviceId }) => devices.controlVirtual(deviceId, { kind: 'powerCycle' }),
    setTouchMode: ({ deviceId, mode }) =>
      devices.controlVirtual(deviceId, { kind: 'setTouchMode', mode }),
    reset: ({ deviceId }) => devices.controlVirtual(deviceId, { kind: 'reset' }),
    forcePinChange: ({ deviceId }) => devices.controlVirtual(deviceId, { kind: 'forcePinChange' }),
    add: () => devices.addVirtual(),
  };
}

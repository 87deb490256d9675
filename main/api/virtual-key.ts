/**
 * Demo-only controls of the in-process virtual key (staff training, e2e). Every entry refuses
 * on a production station (`securityKey.virtualKeyRefused`): KeyDevices holds no virtual key
 * there at all.
 */
import { VirtualKey } from '../../native/virtual-key/index';
import { StationError } from '../station';
import type { DomainHandlers } from './dispatch';
import type { KeyDevices } from './security-key-devices';

export function virtualKeyHandlers(devices: KeyDevices): DomainHandlers<'virtualKey'> {
  return {
    list() {
      devices.virtual(); // refuses in production
      return { keys: devices.virtualStatus() };
    },
    touch({ deviceId }) {
      return { touched: devices.virtual(deviceId).key.touch() };
    },
    deny({ deviceId }) {
      return { denied: devices.virtual(deviceId).key.deny() };
    },
    unplug({ deviceId }) {
      const v = devices.virtual(deviceId);
      v.key.unplug();
      return devices.statusOf(v);
    },
    plugIn({ deviceId }) {
      const v = devices.virtual(deviceId);
      v.key.plugIn();
      return devices.statusOf(v);
    },
    powerCycle({ deviceId }) {
      const v = devices.virtual(deviceId);
      v.key.powerCycle();
      return devices.statusOf(v);
    },
    setTouchMode({ deviceId, mode }) {
      const v = devices.virtual(deviceId);
      v.key.setTouchMode(mode);
      return devices.statusOf(v);
    },
    reset({ deviceId }) {
      const v = devices.virtual(deviceId);
      // A brand-new key's state (fresh master keys, no PIN, no credentials), imported whole:
      // importState also power-cycles, so open connections end as a real removal would.
      v.key.importState(new VirtualKey({ attestation: 'test' }).exportState());
      return devices.statusOf(v);
    },
    forcePinChange({ deviceId }) {
      const v = devices.virtual(deviceId);
      const state = v.key.exportState();
      // §6.11.4: forcePINChange only makes sense for a key that has a PIN.
      if (state.pin === undefined) throw new StationError('securityKey.pinRequired');
      // The demo panel cannot know the PIN for authenticatorConfig, so the state is set directly;
      // importState power-cycles like the real key's config change ends open sessions.
      v.key.importState({ ...state, forcePinChange: true });
      return devices.statusOf(v);
    },
    add() {
      return devices.statusOf(devices.addVirtualKey());
    },
  };
}

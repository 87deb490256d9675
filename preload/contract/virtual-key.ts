import { z } from 'zod';
import { call, event } from './define';

/**
 * Demo-only controls of the station's in-process virtual key (DESIGN.md §4): a staff-training panel
 * and the e2e tests use them to touch, refuse, unplug… A production station refuses every call.
 */
export type VirtualTouchMode = 'auto' | 'manual';

export interface VirtualKeyStatus {
  deviceId: string;
  /** 1-based, for "Virtual key (demo) 2". */
  number: number;
  pluggedIn: boolean;
  touchMode: VirtualTouchMode;
  /** A command waits for a touch right now. */
  waitingForTouch: boolean;
  pinSet: boolean;
  /** The key demands a new PIN before it can be used (getInfo forcePINChange). */
  mustChangePin: boolean;
  credentialCount: number;
}

const keySchema = z.object({ deviceId: z.string().min(1).max(64).optional() }).strict();

export const virtualKeyCalls = {
  list: call(z.object({}).strict()).returns<{ keys: VirtualKeyStatus[] }>(),
  /** Touch the key (answers a waiting "touch your key"); false when nothing waited. */
  touch: call(keySchema).returns<{ touched: boolean }>(),
  /** Refuse the waiting touch (the key answers OPERATION_DENIED). */
  deny: call(keySchema).returns<{ denied: boolean }>(),
  unplug: call(keySchema).returns<VirtualKeyStatus>(),
  plugIn: call(keySchema).returns<VirtualKeyStatus>(),
  /** Unplug + plug in: clears a temporary PIN block. */
  powerCycle: call(keySchema).returns<VirtualKeyStatus>(),
  setTouchMode: call(
    z
      .object({ deviceId: z.string().min(1).max(64).optional(), mode: z.enum(['auto', 'manual']) })
      .strict(),
  ).returns<VirtualKeyStatus>(),
  /**
   * Factory reset: erases the PIN and every credential (a blocked PIN too). A real key allows
   * this only right after power-up with a touch (CTAP 2.1 §6.6); the demo panel skips that.
   */
  reset: call(keySchema).returns<VirtualKeyStatus>(),
  /**
   * Make the key demand a new PIN (getInfo forcePINChange), as an operator-set PIN under the
   * "force change" policy does (CTAP 2.1 §6.11.4 setMinPINLength forceChangePin). Needs a PIN.
   */
  forcePinChange: call(keySchema).returns<VirtualKeyStatus>(),
  /** Plug in one more virtual key (up to 4), e.g. to practise "choose a key". */
  add: call(z.object({}).strict()).returns<VirtualKeyStatus>(),
};

export const virtualKeyEvents = {
  /** Any virtual key changed (plugged, waiting for touch, PIN, credentials). */
  'virtualKey.changed': event<{ keys: VirtualKeyStatus[] }>(),
};

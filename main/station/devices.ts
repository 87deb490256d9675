/**
 * The keys a station can see (DESIGN.md §3.3 "Insert your security key", §4): USB keys found by
 * polling node-hid (native `watchDevices`, hot-plug by diffing paths) and — in demo mode only —
 * the station's own in-process virtual keys, listed as "Virtual key (demo)". Changes are pushed
 * to every renderer as `key.inserted` / `key.removed`; virtual-key state as
 * `virtualKey.changed` (the staff-training panel).
 *
 * A production station never creates a virtual key, so it cannot list or open one; a UDP
 * virtual key reached some other way is refused by the station's AAGUID check.
 */
import { join } from 'node:path';
import {
  watchDevices,
  type DeviceTarget,
  type DeviceWatcher,
  type HidDeviceDescriptor,
} from '../../native/index';
import { VirtualKey } from '../../native/virtual-key/index';
import { isKeyProfileName, type KeyProfileName } from '../../native/virtual-key/profiles';

export type VirtualKeyProfile = KeyProfileName;

/** `ctap21,bio` → the known profile names, in order (unknown names are dropped). */
export function parseVirtualKeyProfiles(raw: string): VirtualKeyProfile[] {
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(isKeyProfileName);
}
import type { StationMode } from './context';
import { StationError } from './errors';

/** A key the station can see now. */
export interface KeyDevice {
  readonly deviceId: string;
  readonly productName: string | null;
  readonly virtual: boolean;
}

/** A key plugged in or removed (main/station/keyManager.ts waits for these). */
export interface KeyPresenceChange {
  readonly type: 'inserted' | 'removed';
  readonly deviceId: string;
}

/** A demo virtual key's state, for the staff-training panel. */
export interface VirtualKeyStatus {
  readonly deviceId: string;
  readonly number: number;
  readonly pluggedIn: boolean;
  readonly touchMode: 'auto' | 'manual';
  readonly waitingForTouch: boolean;
  readonly pinSet: boolean;
  readonly mustChangePin: boolean;
  readonly credentialCount: number;
}

/** What the devices tell every renderer (the host forwards them on its event bus). */
export interface KeyDeviceEvents {
  'key.inserted': KeyDevice;
  'key.removed': { deviceId: string };
  'virtualKey.changed': { keys: VirtualKeyStatus[] };
}

export type KeyDeviceEventSink = <E extends keyof KeyDeviceEvents>(
  name: E,
  payload: KeyDeviceEvents[E],
) => void;

/** How many virtual keys the demo panel may plug in at once. */
export const MAX_VIRTUAL_KEYS = 4;

export interface KeyDevicesOptions {
  /** A function is read at each use: a mode chosen at first run applies at once. */
  mode: StationMode | (() => StationMode);
  /** Hot-plug and virtual-key changes, for every renderer. */
  emit: KeyDeviceEventSink;
  /** Where the first virtual key keeps its state (PIN hash, credentials), like a real key. */
  dataDir?: string;
  /** Poll node-hid for USB keys (off in unit tests). Default true. */
  watchUsb?: boolean;
  /**
   * Virtual-key touch timeout (the key answers USER_ACTION_TIMEOUT after it); real keys wait
   * about 30 s, the default. The browser host's test setting shortens it (e2e "timed out").
   */
  touchTimeoutMs?: number;
  /** Discoverable-credential slots of each virtual key (default 25, like many real keys). */
  capacity?: number;
  /**
   * Keys reached over UDP (`udp:127.0.0.1:8111`, e.g. `npx keystation-virtual-key`), listed as
   * if plugged in; the host reads them from its configuration. A production station refuses a
   * virtual key reached this way by its AAGUID (DESIGN.md §4).
   */
  extraPaths?: readonly string[];
  /**
   * Which kind of key each demo virtual key behaves like (native/virtual-key/profiles.ts):
   * key N takes entry N (the last entry for keys after it); default `ctap21`.
   */
  virtualKeyProfiles?: readonly KeyProfileName[];
  /** Test seam: replaces node-hid enumeration (and polls every `pollMs`, default 1000). */
  enumerate?: () => Promise<HidDeviceDescriptor[]>;
  pollMs?: number;
}

/** What the demo panel can do to a virtual key. */
export type VirtualKeyControl =
  | { kind: 'unplug' | 'plugIn' | 'powerCycle' | 'reset' | 'forcePinChange' }
  | { kind: 'setTouchMode'; mode: 'auto' | 'manual' };

interface VirtualEntry {
  readonly deviceId: string;
  readonly number: number;
  readonly key: VirtualKey;
}

/** In auto mode the virtual key "is touched" after this long, so "touch your key" is seen. */
const AUTO_TOUCH_DELAY_MS = 1200;

export class KeyDevices {
  private readonly modeNow: () => StationMode;
  private readonly emit: KeyDeviceEventSink;
  private readonly virtualKeys: VirtualEntry[] = [];
  private readonly usb = new Map<string, { deviceId: string; descriptor: HidDeviceDescriptor }>();
  private usbCounter = 0;
  private watcher: DeviceWatcher | null = null;
  private readonly watchUsb: boolean;
  private readonly touchTimeoutMs: number;
  private readonly capacity?: number;
  private readonly extraPaths: readonly string[];
  private readonly enumerate?: () => Promise<HidDeviceDescriptor[]>;
  private readonly pollMs: number;
  private readonly dataDir?: string;
  private readonly profiles: readonly KeyProfileName[];
  private readonly presenceListeners = new Set<(change: KeyPresenceChange) => void>();

  constructor(options: KeyDevicesOptions) {
    const mode = options.mode;
    this.modeNow = typeof mode === 'function' ? mode : () => mode;
    this.profiles = options.virtualKeyProfiles ?? [];
    this.emit = (name, payload) => {
      options.emit(name, payload);
      if (name === 'key.inserted' || name === 'key.removed') {
        const change: KeyPresenceChange = {
          type: name === 'key.inserted' ? 'inserted' : 'removed',
          deviceId: (payload as { deviceId: string }).deviceId,
        };
        for (const l of this.presenceListeners) l(change);
      }
    };
    this.watchUsb = options.watchUsb ?? true;
    this.dataDir = options.dataDir;
    this.capacity = options.capacity;
    this.enumerate = options.enumerate;
    this.pollMs = options.pollMs ?? 1000;
    this.extraPaths = (options.extraPaths ?? []).filter((p) => /^udp:[^,\s]{1,200}$/.test(p));
    this.touchTimeoutMs = options.touchTimeoutMs ?? 30_000;
    if (this.mode === 'demo') this.addVirtualKey();
  }

  get mode(): StationMode {
    return this.modeNow();
  }

  /** Hot-plug inside the station (the key manager's guided reset waits for remove/re-insert). */
  onPresence(listener: (change: KeyPresenceChange) => void): () => void {
    this.startWatching();
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  /**
   * The station's mode may have changed (first run chose it). A production station unplugs its
   * virtual keys, so every renderer sees them go (`key.removed`) and nothing can open them.
   */
  modeChanged(): void {
    if (this.mode !== 'production') return;
    for (const v of this.virtualKeys) if (v.key.isPluggedIn) v.key.unplug();
  }

  /** Keys present now (never a virtual key on a production station). Starts USB polling. */
  list(): KeyDevice[] {
    this.startWatching();
    const virtualAllowed = this.mode === 'demo';
    return [
      ...[...this.usb.values()].map(({ deviceId, descriptor }) => ({
        deviceId,
        productName: descriptor.product ?? null,
        virtual: false,
      })),
      ...this.virtualKeys
        .filter((v) => virtualAllowed && v.key.isPluggedIn)
        .map((v) => ({ deviceId: v.deviceId, productName: null, virtual: true })),
    ];
  }

  /** What the station opens for `deviceId`: a fresh virtual-key connection or a USB path. */
  target(deviceId: string): DeviceTarget {
    const v = this.virtualKeys.find((e) => e.deviceId === deviceId);
    if (v) {
      if (this.mode !== 'demo') throw new StationError('securityKey.virtualKeyRefused');
      if (!v.key.isPluggedIn) throw new StationError('securityKey.notFound');
      return v.key.connect();
    }
    const usb = [...this.usb.values()].find((u) => u.deviceId === deviceId);
    if (!usb) throw new StationError('securityKey.notFound');
    return usb.descriptor;
  }

  isVirtual(deviceId: string): boolean {
    return this.virtualKeys.some((e) => e.deviceId === deviceId);
  }

  // ---- the demo virtual keys -------------------------------------------------------------

  /** The virtual key a demo control acts on (default: the first); refused in production. */
  virtual(deviceId?: string): VirtualEntry {
    if (this.mode !== 'demo') throw new StationError('securityKey.virtualKeyRefused');
    const entry =
      deviceId === undefined
        ? this.virtualKeys[0]
        : this.virtualKeys.find((e) => e.deviceId === deviceId);
    if (!entry) throw new StationError('securityKey.notFound');
    return entry;
  }

  addVirtualKey(): VirtualEntry {
    if (this.mode !== 'demo') throw new StationError('securityKey.virtualKeyRefused');
    if (this.virtualKeys.length >= MAX_VIRTUAL_KEYS) {
      throw new StationError('input.invalid', { field: 'virtualKeys', max: MAX_VIRTUAL_KEYS });
    }
    const number = this.virtualKeys.length + 1;
    const profile = this.profiles[Math.min(number, this.profiles.length) - 1];
    const key = new VirtualKey({
      touch: 'manual',
      ...(profile ? { profile } : {}),
      touchTimeoutMs: this.touchTimeoutMs,
      autoTouchDelayMs: AUTO_TOUCH_DELAY_MS,
      attestation: 'test',
      capacity: this.capacity,
      // The first key keeps its PIN and credentials across restarts, as a real key would.
      statePath: number === 1 && this.dataDir ? join(this.dataDir, 'virtual-key.json') : undefined,
    });
    const entry: VirtualEntry = { deviceId: `virtual-${number}`, number, key };
    this.virtualKeys.push(entry);
    const changed = () => this.emit('virtualKey.changed', { keys: this.virtualStatus() });
    key.on('plugged', () => {
      this.emit('key.inserted', { deviceId: entry.deviceId, productName: null, virtual: true });
      changed();
    });
    key.on('unplugged', () => {
      this.emit('key.removed', { deviceId: entry.deviceId });
      changed();
    });
    key.on('upneeded', changed);
    key.on('upcleared', changed);
    key.on('statechange', changed);
    if (number > 1) {
      this.emit('key.inserted', { deviceId: entry.deviceId, productName: null, virtual: true });
      changed();
    }
    return entry;
  }

  virtualStatus(): VirtualKeyStatus[] {
    return this.virtualKeys.map((v) => statusOf(v));
  }

  statusOf(entry: VirtualEntry): VirtualKeyStatus {
    return statusOf(entry);
  }

  /** The demo panel's list; refused on a production station. */
  listVirtual(): VirtualKeyStatus[] {
    this.virtual();
    return this.virtualStatus();
  }

  /** Answers a waiting "touch your key"; false when nothing waited. */
  touchVirtual(deviceId?: string): boolean {
    return this.virtual(deviceId).key.touch();
  }

  /** Refuses the waiting touch (the key answers OPERATION_DENIED). */
  denyVirtual(deviceId?: string): boolean {
    return this.virtual(deviceId).key.deny();
  }

  /** One demo-panel control on a virtual key; its state afterwards. */
  controlVirtual(deviceId: string | undefined, control: VirtualKeyControl): VirtualKeyStatus {
    const v = this.virtual(deviceId);
    switch (control.kind) {
      case 'unplug':
        v.key.unplug();
        break;
      case 'plugIn':
        v.key.plugIn();
        break;
      case 'powerCycle':
        v.key.powerCycle();
        break;
      case 'setTouchMode':
        v.key.setTouchMode(control.mode);
        break;
      case 'reset':
        // A brand-new key's state (fresh master keys, no PIN, no credentials), imported whole:
        // importState also power-cycles, so open connections end as a real removal would.
        v.key.importState(new VirtualKey({ attestation: 'test' }).exportState());
        break;
      case 'forcePinChange': {
        const state = v.key.exportState();
        // §6.11.4: forcePINChange only makes sense for a key that has a PIN.
        if (state.pin === undefined) throw new StationError('securityKey.pinRequired');
        // The demo panel cannot know the PIN for authenticatorConfig, so the state is set
        // directly; importState power-cycles like the real key's config change ends sessions.
        v.key.importState({ ...state, forcePinChange: true });
        break;
      }
    }
    return statusOf(v);
  }

  /** Plugs in one more virtual key (up to MAX_VIRTUAL_KEYS). */
  addVirtual(): VirtualKeyStatus {
    return statusOf(this.addVirtualKey());
  }

  // ---- USB hot-plug ------------------------------------------------------------------------

  private startWatching(): void {
    if (this.watcher || (!this.watchUsb && this.extraPaths.length === 0)) return;
    const watcher = watchDevices({
      pollMs: this.pollMs,
      extraPaths: this.extraPaths,
      // Without USB polling only the extra paths are listed (tests, UDP-only setups).
      ...(this.enumerate
        ? { enumerate: this.enumerate }
        : this.watchUsb
          ? {}
          : { enumerate: () => Promise.resolve([]) }),
    });
    this.watcher = watcher;
    // node-hid missing or failing: the station still works with the keys it can see.
    watcher.on('error', () => undefined);
    watcher.on('inserted', (descriptor) => {
      const deviceId = `usb-${++this.usbCounter}`;
      this.usb.set(descriptor.path, { deviceId, descriptor });
      this.emit('key.inserted', {
        deviceId,
        productName: descriptor.product ?? null,
        virtual: false,
      });
    });
    watcher.on('removed', (descriptor) => {
      const known = this.usb.get(descriptor.path);
      if (!known) return;
      this.usb.delete(descriptor.path);
      this.emit('key.removed', { deviceId: known.deviceId });
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    for (const v of this.virtualKeys) {
      v.key.removeAllListeners();
      // Ends any wait for a touch so no timer keeps the process alive.
      v.key.unplug();
    }
  }
}

function statusOf(v: VirtualEntry): VirtualKeyStatus {
  const state = v.key.exportState();
  return {
    deviceId: v.deviceId,
    number: v.number,
    pluggedIn: v.key.isPluggedIn,
    touchMode: v.key.currentTouchMode === 'auto' ? 'auto' : 'manual',
    waitingForTouch: v.key.waitingForTouch,
    pinSet: state.pin !== undefined,
    mustChangePin: state.forcePinChange,
    credentialCount: state.credentials.length,
  };
}

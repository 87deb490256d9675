/** Public facade of the virtual key. Implementation lands in follow-up commits. */
import { EventEmitter } from 'node:events';
import type { HidConnection, HidDeviceDescriptor } from '../hid/connection';
import type { FaultInjection, TouchMode, VirtualKeyEvents, VirtualKeyOptions } from './options';
import type { VirtualKeyState } from './state';

/**
 * A software CTAP 2.1 security key. One instance = one physical key: several connections
 * (clients) may be open at once, each gets its own CTAPHID channel(s) via INIT.
 */
export class VirtualKey extends EventEmitter<VirtualKeyEvents> {
  /** Descriptor every connection reports (`kind: 'virtual'`, path `virtual:<n>`). */
  readonly descriptor: HidDeviceDescriptor;

  constructor(readonly options: VirtualKeyOptions = {}) {
    super();
    this.descriptor = { path: 'virtual:0', kind: 'virtual' };
  }

  /** Open a fresh connection (a HID handle). Throws TransportError('unplugged') when unplugged. */
  connect(): HidConnection {
    throw new Error('not implemented yet');
  }
  /** Confirm a pending user-presence request (manual mode). Returns false if none was pending. */
  touch(): boolean {
    throw new Error('not implemented yet');
  }
  /** Refuse a pending user-presence request → CTAP2_ERR_OPERATION_DENIED. */
  deny(): boolean {
    throw new Error('not implemented yet');
  }
  setTouchMode(_mode: TouchMode): void {
    throw new Error('not implemented yet');
  }
  /** Simulate removal: open connections fail with TransportError('unplugged'). */
  unplug(): void {
    throw new Error('not implemented yet');
  }
  /** Simulate insertion (power-up): volatile state is fresh, reset window opens. */
  plugIn(): void {
    throw new Error('not implemented yet');
  }
  /** unplug() + plugIn(). */
  powerCycle(): void {
    throw new Error('not implemented yet');
  }
  setReportLatency(_ms: number): void {
    throw new Error('not implemented yet');
  }
  injectFault(_fault: FaultInjection): void {
    throw new Error('not implemented yet');
  }
  /** Snapshot of the persistent state (JSON-safe; secrets only as the key itself keeps them). */
  exportState(): VirtualKeyState {
    throw new Error('not implemented yet');
  }
  /** Replace the persistent state (e.g. a golden fixture). Volatile state is reset. */
  importState(_state: VirtualKeyState): void {
    throw new Error('not implemented yet');
  }
  /** PEM of the attestation root that signed this key's batch certificate. */
  get attestationRootPem(): string {
    throw new Error('not implemented yet');
  }
}

/** UDP transport for the virtual key. Filled in by the implementation commit. */
import type { VirtualKey } from './virtualKey';
import type { VirtualKeyOptions } from './options';

export interface UdpVirtualKeyOptions extends VirtualKeyOptions {
  /** UDP port; 0 = pick a free one. */
  port?: number;
  /** Only '127.0.0.1' is accepted. */
  host?: '127.0.0.1';
}
export interface UdpVirtualKey {
  readonly key: VirtualKey;
  readonly port: number;
  /** `udp:127.0.0.1:<port>` — the HidDeviceDescriptor path A's UDP backend opens. */
  readonly path: string;
  close(): Promise<void>;
}
export async function startUdpVirtualKey(_opts: UdpVirtualKeyOptions = {}): Promise<UdpVirtualKey> {
  throw new Error('not implemented yet');
}

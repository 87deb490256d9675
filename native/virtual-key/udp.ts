/**
 * The virtual key on UDP: one datagram = one 64-byte report without report ID (the
 * convention of A's UDP backend and of libfido2/python-fido2 test transports). Each peer
 * address:port is one HID handle; replies go back to the sender. Binds 127.0.0.1 only.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { HID_REPORT_SIZE } from '../hid/connection';
import type { VirtualKeyOptions } from './options';
import { VirtualKey } from './virtualKey';

export interface UdpVirtualKeyOptions extends VirtualKeyOptions {
  /** UDP port; 0 (default) = pick a free one. */
  port?: number;
  /** Only '127.0.0.1' is accepted: the key is never reachable from the network. */
  host?: '127.0.0.1';
  /** Serve an existing key instead of creating one from the options. */
  key?: VirtualKey;
}

export interface UdpVirtualKey {
  readonly key: VirtualKey;
  readonly port: number;
  /** `udp:127.0.0.1:<port>` — the HidDeviceDescriptor path of A's UDP backend. */
  readonly path: string;
  close(): Promise<void>;
}

type Peer = ReturnType<VirtualKey['attachPort']>;

export async function startUdpVirtualKey(opts: UdpVirtualKeyOptions = {}): Promise<UdpVirtualKey> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the virtual key listens on 127.0.0.1 only');
  const key = opts.key ?? new VirtualKey(opts);
  const socket: Socket = createSocket('udp4');
  const peers = new Map<string, Peer>();
  const dropPeers = () => {
    for (const p of peers.values()) p.detach();
    peers.clear();
  };
  key.on('unplugged', dropPeers);

  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (msg.length !== HID_REPORT_SIZE || !key.isPluggedIn) return;
    const id = `${rinfo.address}:${rinfo.port}`;
    let peer = peers.get(id);
    if (!peer) {
      peer = key.attachPort((report) => {
        socket.send(report, rinfo.port, rinfo.address, () => undefined);
      });
      peers.set(id, peer);
      if (peers.size > 64) {
        const [oldest, p] = peers.entries().next().value as [string, Peer];
        p.detach();
        peers.delete(oldest);
      }
    }
    void peer.receive(new Uint8Array(msg));
  });
  socket.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    key,
    port,
    path: `udp:${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        key.off('unplugged', dropPeers);
        dropPeers();
        socket.close(() => resolve());
      }),
  };
}

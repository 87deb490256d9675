/**
 * UDP backend: `udp:host:port`. One datagram = one 64-byte report without report ID; the key
 * replies to the sender's address and port. Used for the virtual key's UDP server.
 */
import { createSocket, type Socket } from 'node:dgram';
import { TransportError } from '../errors';
import { HID_REPORT_SIZE, type HidConnection, type HidDeviceDescriptor } from './connection';
import { ReportQueue } from './reportQueue';

export interface UdpAddress {
  readonly host: string;
  readonly port: number;
}

/** Parse `udp:host:port` (`udp:[::1]:8111` for IPv6). Returns null for other paths. */
export function parseUdpPath(path: string): UdpAddress | null {
  const m = /^udp:(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(path);
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1] ?? m[2], port };
}

export class UdpHidConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  private closed = false;

  private constructor(
    readonly descriptor: HidDeviceDescriptor,
    private readonly socket: Socket,
  ) {
    socket.on('message', (msg) => this.queue.push(new Uint8Array(msg)));
    // A connected UDP socket reports ICMP port-unreachable as ECONNREFUSED: the key is gone.
    socket.on('error', (err) =>
      this.queue.fail(new TransportError('unplugged', `UDP key unreachable: ${err.message}`)),
    );
  }

  static async open(path: string): Promise<UdpHidConnection> {
    const address = parseUdpPath(path);
    if (!address) throw new TransportError('io', `not a UDP device path: ${path}`);
    const socket = createSocket(address.host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(new TransportError('io', `UDP connect failed: ${err.message}`));
      socket.once('error', onError);
      socket.connect(address.port, address.host, () => {
        socket.off('error', onError);
        resolve();
      });
    }).catch((e: unknown) => {
      socket.close();
      throw e;
    });
    socket.unref();
    return new UdpHidConnection(
      { path, kind: 'udp', product: `UDP key at ${address.host}:${address.port}` },
      socket,
    );
  }

  writeReport(report: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'connection closed'));
    if (this.queue.failed) return Promise.reject(this.queue.failed);
    if (report.length !== HID_REPORT_SIZE) {
      return Promise.reject(
        new TransportError('invalid-report', `report of ${report.length} bytes`),
      );
    }
    return new Promise((resolve, reject) => {
      this.socket.send(report, (err) => {
        if (err) reject(new TransportError('io', `UDP send failed: ${err.message}`));
        else resolve();
      });
    });
  }

  readReport(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'connection closed'));
    return this.queue.read(timeoutMs, signal);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.queue.fail(new TransportError('closed', 'connection closed'));
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

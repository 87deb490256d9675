/**
 * Opening keys by path, listing them, and hot-plug: node-hid has no portable arrival events,
 * so we poll its enumeration (like python-fido2's `list_devices`) and diff by path; several keys
 * at once are distinct paths.
 */
import { EventEmitter } from 'node:events';
import { TransportError, isTransportError } from '../errors';
import type { HidConnection, HidDeviceDescriptor } from './connection';
import { NodeHidConnection, enumerateUsbKeys, type NodeHidOptions } from './nodeHid';
import { UdpHidConnection, parseUdpPath } from './udp';

/** `udp:host:port`, a node-hid path, a descriptor from listDevices(), or any HidConnection. */
export type DeviceTarget = string | HidDeviceDescriptor | HidConnection;

function isConnection(target: DeviceTarget): target is HidConnection {
  return (
    typeof target === 'object' &&
    'writeReport' in target &&
    typeof target.writeReport === 'function'
  );
}

export async function openConnection(
  target: DeviceTarget,
  options: NodeHidOptions = {},
): Promise<HidConnection> {
  if (isConnection(target)) return target;
  const descriptor = typeof target === 'string' ? undefined : target;
  const path = typeof target === 'string' ? target : target.path;
  if (parseUdpPath(path)) return UdpHidConnection.open(path);
  if (path.startsWith('udp:'))
    throw new TransportError('io', `bad UDP device path "${path}" (udp:host:port)`);
  if (path.startsWith('virtual:') || path.startsWith('replay:')) {
    throw new TransportError(
      'io',
      `${path}: pass the in-process connection object instead of its path`,
    );
  }
  return NodeHidConnection.open(path, descriptor, options);
}

function udpDescriptor(path: string): HidDeviceDescriptor {
  const a = parseUdpPath(path);
  return { path, kind: 'udp', product: a ? `UDP key at ${a.host}:${a.port}` : path };
}

export interface ListOptions extends NodeHidOptions {
  /** Extra paths always listed (e.g. a virtual key's `udp:127.0.0.1:8111`); reachability is not checked. */
  readonly extraPaths?: readonly string[];
  /** Test seam: replaces node-hid enumeration. */
  readonly enumerate?: () => Promise<HidDeviceDescriptor[]>;
}

export async function listDevices(options: ListOptions = {}): Promise<HidDeviceDescriptor[]> {
  const usb = await (options.enumerate ?? (() => enumerateUsbKeys(options)))();
  return [...usb, ...(options.extraPaths ?? []).map(udpDescriptor)];
}

export interface WatchOptions extends ListOptions {
  /** Poll interval (default 500 ms). */
  readonly pollMs?: number;
}

interface WatcherEvents {
  inserted: [HidDeviceDescriptor];
  removed: [HidDeviceDescriptor];
  error: [TransportError];
}

export class DeviceWatcher extends EventEmitter<WatcherEvents> {
  private known = new Map<string, HidDeviceDescriptor>();
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: WatchOptions = {}) {
    super();
    void this.poll();
    // A slow enumeration is never stacked: the interval skips while one is running.
    this.timer = setInterval(() => {
      if (!this.inflight) void this.poll();
    }, options.pollMs ?? 500);
    this.timer.unref();
  }

  current(): HidDeviceDescriptor[] {
    return [...this.known.values()];
  }

  /** One enumeration pass (after any running one); resolves after its events were emitted. */
  poll(): Promise<void> {
    const run = (this.inflight ?? Promise.resolve()).then(() => this.pollOnce());
    const tracked = run.finally(() => {
      if (this.inflight === tracked) this.inflight = null;
    });
    this.inflight = tracked;
    return tracked;
  }

  private async pollOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      const now = await listDevices(this.options);
      if (this.stopped) return;
      const next = new Map(now.map((d) => [d.path, d]));
      for (const [path, d] of this.known) if (!next.has(path)) this.emit('removed', d);
      for (const [path, d] of next) if (!this.known.has(path)) this.emit('inserted', d);
      this.known = next;
    } catch (e) {
      if (this.listenerCount('error') > 0) {
        this.emit('error', isTransportError(e) ? e : new TransportError('io', String(e)));
      }
    }
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export function watchDevices(options: WatchOptions = {}): DeviceWatcher {
  return new DeviceWatcher(options);
}

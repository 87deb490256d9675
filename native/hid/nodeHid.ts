/**
 * node-hid backend for USB keys (usage page 0xF1D0, CTAP 2.1 §11.2.8.1). Loaded lazily so the
 * protocol layers, tests and the UDP path never load the native module. Reads use node-hid's
 * async 'data' events (HIDAsync), so the main process never blocks on a read.
 */
import { TransportError } from '../errors';
import {
  FIDO_USAGE_PAGE,
  HID_REPORT_SIZE,
  type HidConnection,
  type HidDeviceDescriptor,
} from './connection';
import { ReportQueue } from './reportQueue';

type NodeHidModule = typeof import('node-hid');
type HidAsync = Awaited<ReturnType<NodeHidModule['HIDAsync']['open']>>;

let nodeHid: Promise<NodeHidModule> | null = null;
function loadNodeHid(): Promise<NodeHidModule> {
  nodeHid ??= import('node-hid').then(
    (m) => ((m as { default?: NodeHidModule }).default ?? m) as NodeHidModule,
  );
  return nodeHid;
}

/**
 * hidapi writes take the report ID first; FIDO keys use unnumbered reports, so it is 0x00
 * (hidapi strips it again on every platform before the device sees it).
 */
export function toOutputReport(report: Uint8Array): Buffer {
  const out = Buffer.alloc(HID_REPORT_SIZE + 1);
  out.set(report, 1);
  return out;
}

/**
 * Normalise an input report to 64 bytes without report ID. Some platforms/backends deliver the
 * 0x00 report ID in front (65 bytes, Windows); macOS may deliver fewer bytes for a padded report.
 */
export function fromInputReport(data: Uint8Array): Uint8Array {
  if (data.length === HID_REPORT_SIZE + 1) return new Uint8Array(data.subarray(1));
  const out = new Uint8Array(HID_REPORT_SIZE);
  out.set(data.subarray(0, HID_REPORT_SIZE));
  return out;
}

interface NodeHidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  usagePage?: number;
}

export function fidoDescriptors(devices: readonly NodeHidDeviceInfo[]): HidDeviceDescriptor[] {
  const seen = new Set<string>();
  const result: HidDeviceDescriptor[] = [];
  for (const d of devices) {
    if (d.usagePage !== FIDO_USAGE_PAGE || !d.path || seen.has(d.path)) continue;
    seen.add(d.path);
    result.push({
      path: d.path,
      kind: 'usb',
      vendorId: d.vendorId,
      productId: d.productId,
      manufacturer: d.manufacturer,
      product: d.product,
      serialNumber: d.serialNumber,
    });
  }
  return result;
}

/** FIDO HID devices currently attached. */
export async function enumerateUsbKeys(): Promise<HidDeviceDescriptor[]> {
  let hid: NodeHidModule;
  try {
    hid = await loadNodeHid();
  } catch (e) {
    throw new TransportError('io', `node-hid unavailable: ${(e as Error).message}`);
  }
  try {
    return fidoDescriptors(await hid.devicesAsync());
  } catch (e) {
    throw new TransportError('io', `HID enumeration failed: ${(e as Error).message}`);
  }
}

export class NodeHidConnection implements HidConnection {
  private readonly queue = new ReportQueue();
  private closed = false;

  private constructor(
    readonly descriptor: HidDeviceDescriptor,
    private readonly device: HidAsync,
  ) {
    device.on('data', (data: Buffer) => this.queue.push(fromInputReport(new Uint8Array(data))));
    // hidapi reports a read error when the key is pulled out.
    device.on('error', (err: Error) =>
      this.queue.fail(new TransportError('unplugged', `key removed: ${err.message}`)),
    );
  }

  static async open(path: string, descriptor?: HidDeviceDescriptor): Promise<NodeHidConnection> {
    const hid = await loadNodeHid().catch((e: unknown) => {
      throw new TransportError('io', `node-hid unavailable: ${(e as Error).message}`);
    });
    try {
      const device = await hid.HIDAsync.open(path);
      return new NodeHidConnection(descriptor ?? { path, kind: 'usb' }, device);
    } catch (e) {
      throw new TransportError('io', `cannot open HID device ${path}: ${(e as Error).message}`);
    }
  }

  async writeReport(report: Uint8Array): Promise<void> {
    if (this.closed) throw new TransportError('closed', 'connection closed');
    if (this.queue.failed) throw this.queue.failed;
    if (report.length !== HID_REPORT_SIZE)
      throw new TransportError('invalid-report', `report of ${report.length} bytes`);
    try {
      const written = await this.device.write(toOutputReport(report));
      if (written < HID_REPORT_SIZE) throw new Error(`short write (${written})`);
    } catch (e) {
      const error = new TransportError('unplugged', `HID write failed: ${(e as Error).message}`);
      this.queue.fail(error);
      throw error;
    }
  }

  readReport(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'connection closed'));
    return this.queue.read(timeoutMs, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.fail(new TransportError('closed', 'connection closed'));
    try {
      await this.device.close();
    } catch {
      // Already gone (unplugged): nothing left to release.
    }
  }
}

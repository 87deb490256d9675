/**
 * node-hid backend for USB keys (usage page 0xF1D0, CTAP 2.1 §11.2.8.1). Loaded lazily so the
 * protocol layers, tests and the UDP path never load the native module. Reads use node-hid's
 * async 'data' events (HIDAsync), so the main process never blocks on a read.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { TransportError } from '../errors';
import {
  FIDO_USAGE_PAGE,
  HID_REPORT_SIZE,
  type HidConnection,
  type HidDeviceDescriptor,
} from './connection';
import { ReportQueue } from './reportQueue';

/** The part of a node-hid HIDAsync device we use. */
export interface NodeHidDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  write(data: Buffer | number[]): Promise<number>;
  close(): Promise<void>;
}

/** The part of the node-hid module we use: the seam for tests (a replay behind node-hid's API). */
export interface NodeHidBackend {
  devicesAsync(): Promise<NodeHidDeviceInfo[]>;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<NodeHidDevice> };
}

let nodeHid: Promise<NodeHidBackend> | null = null;
function loadNodeHid(): Promise<NodeHidBackend> {
  nodeHid ??= import('node-hid').then(
    (m) => ((m as { default?: NodeHidBackend }).default ?? m) as unknown as NodeHidBackend,
  );
  return nodeHid;
}

/** Where the key is opened: the OS facts that name an open failure (a seam for tests). */
export interface HidPlatform {
  readonly platform: NodeJS.Platform;
  /** Windows: is this process elevated? */
  readonly isElevated?: () => Promise<boolean>;
  /** Linux: may this user read and write the device node? undefined when it does not exist. */
  readonly canAccess?: (path: string) => boolean | undefined;
}

export interface NodeHidOptions {
  readonly nodeHid?: NodeHidBackend;
  readonly hidPlatform?: HidPlatform;
}

function defaultCanAccess(path: string): boolean | undefined {
  try {
    accessSync(path, fsConstants.R_OK | fsConstants.W_OK);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : false;
  }
}

/** `net session` succeeds only in an elevated process (the usual check without native code). */
function defaultIsElevated(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('net', ['session'], { timeout: 5000, windowsHide: true }, (error) => resolve(!error));
  });
}

const hostPlatform: HidPlatform = {
  platform: process.platform,
  isElevated: defaultIsElevated,
  canAccess: defaultCanAccess,
};

/**
 * Name an open failure. node-hid's error carries no errno ("cannot open device with path …"),
 * so the cause is found from the platform: Windows 10 1903+ gives raw FIDO HID access only to
 * elevated processes; Linux needs a udev rule for /dev/hidraw*; otherwise another program holds
 * the key (macOS and Windows open exclusively).
 */
export async function classifyOpenFailure(
  path: string,
  message: string,
  env: HidPlatform = hostPlatform,
): Promise<TransportError> {
  const detail = `cannot open HID device ${path}: ${message}`;
  if (env.platform === 'win32') {
    const elevated = await (env.isElevated ?? defaultIsElevated)().catch(() => true);
    if (!elevated) return new TransportError('needs-administrator', detail);
    return new TransportError('in-use', detail);
  }
  if (env.platform === 'linux') {
    const access = (env.canAccess ?? defaultCanAccess)(path);
    if (access === false) return new TransportError('no-permission', detail);
    if (access === undefined) return new TransportError('unplugged', detail);
    return new TransportError('in-use', detail);
  }
  if (env.platform === 'darwin') return new TransportError('in-use', detail);
  return new TransportError('io', detail);
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

export interface NodeHidDeviceInfo {
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
export async function enumerateUsbKeys(
  options: NodeHidOptions = {},
): Promise<HidDeviceDescriptor[]> {
  let hid: NodeHidBackend;
  try {
    hid = options.nodeHid ?? (await loadNodeHid());
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
    private readonly device: NodeHidDevice,
  ) {
    device.on('data', (data: Buffer) => this.queue.push(fromInputReport(new Uint8Array(data))));
    // hidapi reports a read error when the key is pulled out.
    device.on('error', (err: Error) =>
      this.queue.fail(new TransportError('unplugged', `key removed: ${err.message}`)),
    );
  }

  static async open(
    path: string,
    descriptor?: HidDeviceDescriptor,
    options: NodeHidOptions = {},
  ): Promise<NodeHidConnection> {
    const hid =
      options.nodeHid ??
      (await loadNodeHid().catch((e: unknown) => {
        throw new TransportError('io', `node-hid unavailable: ${(e as Error).message}`);
      }));
    try {
      // macOS: hidapi opens exclusively by default, locking every other program out of the key
      // while we hold it (the option is ignored elsewhere).
      const device = await hid.HIDAsync.open(path, { nonExclusive: true });
      return new NodeHidConnection(descriptor ?? { path, kind: 'usb' }, device);
    } catch (e) {
      throw await classifyOpenFailure(path, (e as Error).message, options.hidPlatform);
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

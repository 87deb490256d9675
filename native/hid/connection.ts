/**
 * The IO seam every transport implements (cf. libfido2 `fido_dev_set_io_functions`):
 * node-hid, the UDP backend, the in-process virtual key and replays of recorded reports.
 * Reports are always 64 bytes WITHOUT the HID report-ID byte; backends add/strip it.
 */
export const HID_REPORT_SIZE = 64;

/** FIDO usage page (CTAP 2.1 §11.2.8.1). */
export const FIDO_USAGE_PAGE = 0xf1d0;

export type HidTransportKind = 'usb' | 'udp' | 'virtual' | 'replay';

export interface HidDeviceDescriptor {
  /** Opaque path: a node-hid path, `udp:127.0.0.1:8111`, or `virtual:<id>`. */
  readonly path: string;
  readonly kind: HidTransportKind;
  readonly vendorId?: number;
  readonly productId?: number;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly serialNumber?: string;
}

export interface HidConnection {
  readonly descriptor: HidDeviceDescriptor;
  /** Send one 64-byte report. Rejects with TransportError('unplugged' | 'io' | 'closed'). */
  writeReport(report: Uint8Array): Promise<void>;
  /**
   * Receive one 64-byte report. Rejects with TransportError('timeout') after `timeoutMs`,
   * TransportError('cancelled') when `signal` aborts, TransportError('unplugged') on removal.
   */
  readReport(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array>;
  close(): Promise<void>;
}

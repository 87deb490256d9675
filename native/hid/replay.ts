/**
 * Replay backend: answers each request with recorded or handmade reports. Protocol tests run on
 * it without node-hid or a key (libfido2's fuzz harness does the same with wiredata).
 */
import { TransportError } from '../errors';
import type { HidConnection, HidDeviceDescriptor } from './connection';
import { ReportQueue } from './reportQueue';

/**
 * `respond` sees every written report and returns the reports to deliver (possibly none).
 * Return a TransportError to simulate unplug.
 */
export type ReplayResponder = (written: Uint8Array) => readonly Uint8Array[] | TransportError;

export class ReplayHidConnection implements HidConnection {
  readonly descriptor: HidDeviceDescriptor = { path: 'replay:', kind: 'replay' };
  readonly written: Uint8Array[] = [];
  private readonly queue = new ReportQueue();
  private closed = false;

  constructor(private readonly respond: ReplayResponder) {}

  async writeReport(report: Uint8Array): Promise<void> {
    if (this.closed) throw new TransportError('closed', 'connection closed');
    if (this.queue.failed) throw this.queue.failed;
    this.written.push(new Uint8Array(report));
    const reply = this.respond(new Uint8Array(report));
    if (reply instanceof TransportError) {
      this.queue.fail(reply);
      return;
    }
    for (const r of reply) this.queue.push(r);
  }

  /** Deliver reports without a request (late replies, another client's traffic). */
  inject(reports: readonly Uint8Array[]): void {
    for (const r of reports) this.queue.push(r);
  }

  unplug(): void {
    this.queue.fail(new TransportError('unplugged', 'replay device removed'));
  }

  readReport(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new TransportError('closed', 'connection closed'));
    return this.queue.read(timeoutMs, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.fail(new TransportError('closed', 'connection closed'));
  }
}

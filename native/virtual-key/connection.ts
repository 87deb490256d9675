/** In-process `HidConnection` to a VirtualKey: one open HID handle. */
import { TransportError } from '../errors';
import { HID_REPORT_SIZE, type HidConnection, type HidDeviceDescriptor } from '../hid/connection';
import type { HidPort } from './ctaphid';

/** Like hidraw's per-handle input buffer: beyond this, the oldest reports are lost. */
const MAX_QUEUED_REPORTS = 1024;

interface Waiter {
  resolve(r: Uint8Array): void;
  reject(e: TransportError): void;
  cleanup(): void;
}

export interface ConnectionOwner {
  /** Feed a report written by the client into the key (after latency/faults). */
  receiveFrom(port: HidPort, report: Uint8Array): Promise<void>;
  detach(port: HidPort): void;
}

export class VirtualKeyConnection implements HidConnection, HidPort {
  private readonly queue: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private dead?: 'closed' | 'unplugged';

  constructor(
    readonly descriptor: HidDeviceDescriptor,
    private readonly owner: ConnectionOwner,
  ) {}

  deliver(report: Uint8Array): void {
    if (this.dead) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.cleanup();
      waiter.resolve(report);
      return;
    }
    this.queue.push(report);
    if (this.queue.length > MAX_QUEUED_REPORTS) this.queue.shift();
  }

  async writeReport(report: Uint8Array): Promise<void> {
    if (this.dead) throw new TransportError(this.dead, `virtual key connection ${this.dead}`);
    if (!(report instanceof Uint8Array) || report.length !== HID_REPORT_SIZE) {
      throw new TransportError(
        'invalid-report',
        `a report is ${HID_REPORT_SIZE} bytes without report ID`,
      );
    }
    await this.owner.receiveFrom(this, Uint8Array.from(report));
    if (this.dead) throw new TransportError(this.dead, `virtual key connection ${this.dead}`);
  }

  readReport(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.dead)
      return Promise.reject(new TransportError(this.dead, `virtual key connection ${this.dead}`));
    if (signal?.aborted) return Promise.reject(new TransportError('cancelled'));
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => {
        remove();
        reject(new TransportError('cancelled'));
      };
      const timer = setTimeout(
        () => {
          remove();
          reject(new TransportError('timeout', `no report within ${timeoutMs} ms`));
        },
        Math.max(0, timeoutMs),
      );
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const remove = () => {
        waiter.cleanup();
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    this.kill('closed');
  }

  /** End the handle; pending and future reads/writes fail with `reason`. */
  kill(reason: 'closed' | 'unplugged'): void {
    if (this.dead) return;
    this.dead = reason;
    this.queue.length = 0;
    for (const w of this.waiters.splice(0)) {
      w.cleanup();
      w.reject(new TransportError(reason, `virtual key connection ${reason}`));
    }
    this.owner.detach(this);
  }
}

/**
 * Incoming reports waiting for a reader. Backends push reports from their event sources;
 * `read` resolves with the next one, or rejects on timeout, abort, or a fatal error (unplug).
 * Reads never block the event loop.
 */
import { TransportError } from '../errors';

interface Waiter {
  resolve(report: Uint8Array): void;
  reject(error: TransportError): void;
}

/** More than this many unread reports means nobody is reading: drop the oldest. */
const MAX_QUEUED_REPORTS = 4096;

export class ReportQueue {
  private readonly reports: Uint8Array[] = [];
  private waiter: Waiter | null = null;
  private failure: TransportError | null = null;

  push(report: Uint8Array): void {
    if (this.failure) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(report);
      return;
    }
    if (this.reports.length >= MAX_QUEUED_REPORTS) this.reports.shift();
    this.reports.push(report);
  }

  /** Every pending and future read rejects with `error` (device removed, connection closed). */
  fail(error: TransportError): void {
    if (this.failure) return;
    this.failure = error;
    this.reports.length = 0;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(error);
    }
  }

  get failed(): TransportError | null {
    return this.failure;
  }

  read(timeoutMs: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(new TransportError('cancelled', 'read cancelled'));
    const queued = this.reports.shift();
    if (queued) return Promise.resolve(queued);
    if (this.waiter)
      return Promise.reject(new TransportError('io', 'concurrent reads on one connection'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiter = null;
      };
      const onAbort = (): void => {
        cleanup();
        reject(new TransportError('cancelled', 'read cancelled'));
      };
      const timer = setTimeout(
        () => {
          cleanup();
          reject(new TransportError('timeout', `no HID report within ${timeoutMs} ms`));
        },
        Math.max(0, timeoutMs),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
    });
  }
}

/**
 * Key operations by the id the renderer chose (DESIGN.md §3.3 "Cancel"): every call that talks
 * to a key runs under its own AbortController, so a later `cancel` really stops the key (the
 * native client sends CTAPHID CANCEL and the call ends with `securityKey.cancelled`).
 */
import { StationError } from './errors';

interface Operation {
  readonly controller: AbortController;
  /** The enrollment the operation belongs to, when it has one yet. */
  readonly enrollmentId?: string;
  /** Settles (never rejects) when the operation has ended. */
  readonly settled: Promise<void>;
}

/** Which operations a cancel stops: by its own id, or every one of an enrollment. */
export interface OperationMatch {
  readonly operationId?: string;
  readonly enrollmentId?: string;
}

/** How long a cancel waits for the key to acknowledge CANCEL before the connection closes. */
export const CANCEL_GRACE_MS = 2000;

export class KeyOperations {
  readonly #running = new Map<string, Operation>();

  constructor(private readonly graceMs: number = CANCEL_GRACE_MS) {}

  /** Runs `body` under the operation's signal; an id already running is refused. */
  async run<T>(
    operationId: string,
    body: (signal: AbortSignal) => Promise<T>,
    opts: { enrollmentId?: string } = {},
  ): Promise<T> {
    if (this.#running.has(operationId))
      throw new StationError('input.invalid', { field: 'operationId' });
    const controller = new AbortController();
    // Registered before `body` starts, so a cancel that arrives at once still finds it.
    let ended!: () => void;
    const settled = new Promise<void>((resolve) => (ended = resolve));
    this.#running.set(operationId, { controller, enrollmentId: opts.enrollmentId, settled });
    try {
      return await body(controller.signal);
    } finally {
      this.#running.delete(operationId);
      ended();
    }
  }

  /**
   * Aborts the matching operations at once (`aborted`: their ids) and gives a wait until they
   * have ended, at most the grace time (`ended`): the key answers CANCEL before its connection
   * closes (else the call would end as "removed"), but a key that doesn't answer is never
   * waited on.
   */
  cancel(match: OperationMatch): { aborted: string[]; ended: Promise<void> } {
    const aborted: string[] = [];
    const stopping: Promise<void>[] = [];
    for (const [id, op] of this.#running) {
      const hit =
        (match.operationId !== undefined && id === match.operationId) ||
        (match.enrollmentId !== undefined && op.enrollmentId === match.enrollmentId);
      if (!hit) continue;
      op.controller.abort();
      aborted.push(id);
      stopping.push(op.settled);
    }
    return { aborted, ended: this.#endedOrGrace(stopping) };
  }

  async #endedOrGrace(stopping: Promise<void>[]): Promise<void> {
    if (stopping.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(stopping),
      new Promise((resolve) => (timer = setTimeout(resolve, this.graceMs))),
    ]);
    clearTimeout(timer);
  }

  /** Aborts without waiting (the key manager's cancel: its calls end on their own). */
  abort(operationId: string): void {
    this.#running.get(operationId)?.controller.abort();
  }
}

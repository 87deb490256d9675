/**
 * What every method flow does around its contract calls: one call at a time (`busy`), the
 * error of the last call for the step's live region (worded by FlowParts' `flowErrorMessage`),
 * and what happens when the flow is closed midway or after success.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContractError, Result } from '../../../../preload/contract';

/**
 * Errors after which the pending enrollment is gone in main (too many wrong codes, the code or
 * the enrollment expired): the person starts again from the first step.
 */
const startOverCodes = new Set([
  'code.tooManyAttempts',
  'code.expired',
  'enrollment.expired',
  'enrollment.notFound',
]);

export function mustStartOver(error: ContractError): boolean {
  return startOverCodes.has(error.code);
}

/**
 * `run(call)`: marks the flow busy and clears the old error while the call runs; a failed call
 * leaves its error on show. The result is returned for the step's own next move.
 */
export function useEnrollmentCall() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  const run = useCallback(async <T>(call: () => Promise<Result<T>>): Promise<Result<T>> => {
    setBusy(true);
    setError(null);
    const r = await call();
    setBusy(false);
    if (!r.ok) setError(r.error);
    return r;
  }, []);
  return { busy, error, setError, run };
}

/**
 * Closing the flow midway forgets the pending enrollment in main (`cancel`); closing it after
 * success still tells the page to reload, exactly once.
 */
export function useFlowCompletion(
  onDone: (changed: boolean) => void,
  cancel?: (enrollmentId: string) => void,
) {
  const pending = useRef<string | null>(null);
  const finished = useRef({ added: false, reported: false });
  const latest = useRef({ onDone, cancel });
  latest.current = { onDone, cancel };
  useEffect(
    () => () => {
      if (pending.current) latest.current.cancel?.(pending.current);
      if (finished.current.added && !finished.current.reported) latest.current.onDone(true);
    },
    [],
  );
  return {
    /** A begin call succeeded: this enrollment is cancelled if the flow closes now. */
    started: useCallback((enrollmentId: string) => {
      pending.current = enrollmentId;
    }, []),
    /** The enrollment ended without a method (back, start over): nothing left to cancel. */
    dropped: useCallback(() => {
      pending.current = null;
    }, []),
    /** The method is stored: the page must reload however the flow is closed. */
    added: useCallback(() => {
      pending.current = null;
      finished.current.added = true;
    }, []),
    /** "Done" on the success step. */
    report: useCallback(() => {
      finished.current.reported = true;
      latest.current.onDone(true);
    }, []),
  };
}

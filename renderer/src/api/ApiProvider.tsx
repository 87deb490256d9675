import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ContractError, KeystationApi, Result } from '../../../preload/contract';

const ApiContext = createContext<KeystationApi | null>(null);

export function ApiProvider({ api, children }: { api: KeystationApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): KeystationApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export type CallState<T> =
  { status: 'loading' } | { status: 'ok'; value: T } | { status: 'error'; error: ContractError };

/**
 * Runs a contract call when `deps` change and tracks its state; `reload` runs it again
 * (e.g. after a flow changed the registry). Stale answers are dropped.
 */
export function useCall<T>(
  run: (api: KeystationApi) => Promise<Result<T>>,
  deps: readonly unknown[],
): { state: CallState<T>; reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<CallState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableRun = useCallback(run, deps);

  useEffect(() => {
    let live = true;
    setState((s) => (s.status === 'loading' ? s : { status: 'loading' }));
    stableRun(api).then(
      (r) => {
        if (!live) return;
        setState(r.ok ? { status: 'ok', value: r.value } : { status: 'error', error: r.error });
      },
      () => {
        if (live) setState({ status: 'error', error: { kind: 'internal', code: 'unexpected' } });
      },
    );
    return () => {
      live = false;
    };
  }, [api, stableRun, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { state, reload };
}

/**
 * The station's access state in the renderer (who is served: nobody, an operator, a kiosk
 * person). main is the authority (main/api/authorization.ts refuses calls the role may not
 * make); this only decides what to show.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type {
  AccessStatus,
  ContractError,
  KeystationApi,
  Result,
} from '../../../../preload/contract';
import { ApiProvider, useApi } from '../../api/ApiProvider';
import { useI18n } from '../../i18n/I18nProvider';

interface AccessContextValue {
  status: AccessStatus | null;
  error: ContractError | null;
  /** Replace the state with what a call answered (sign-in, sign-out, kiosk…). */
  set(status: AccessStatus): void;
  refresh(): Promise<void>;
}

const AccessContext = createContext<AccessContextValue | null>(null);

/** Codes that mean "the session this renderer thinks it has is gone on the server". */
const SESSION_GONE = new Set(['session.signInRequired', 'session.firstRunRequired']);

/**
 * The same api, but any answer saying the session is gone (idle expiry on the server, a
 * sign-out elsewhere) makes `onSessionGone` run, so the page re-reads who it serves.
 */
export function watchSession(api: KeystationApi, onSessionGone: () => void): KeystationApi {
  // Proxies over fresh targets: the Electron bridge's objects are frozen copies (a Proxy over
  // them could not answer differently), and the browser host's calls are made on first use,
  // so they can't be listed up front.
  const out: Record<string, unknown> = { events: api.events };
  for (const domain of Object.keys(api)) {
    if (domain === 'events') continue;
    const calls = (api as unknown as Record<string, Record<string, unknown>>)[domain];
    const wrapped = new Map<string, (args: unknown) => Promise<Result<unknown>>>();
    out[domain] = new Proxy(
      {},
      {
        get(_target, name) {
          if (typeof name !== 'string') return undefined;
          const fn = calls[name];
          if (typeof fn !== 'function') return undefined;
          let w = wrapped.get(name);
          if (!w) {
            w = async (args: unknown) => {
              const result = await (fn as (a: unknown) => Promise<Result<unknown>>)(args);
              if (!result.ok && SESSION_GONE.has(result.error.code)) onSessionGone();
              return result;
            };
            wrapped.set(name, w);
          }
          return w;
        },
      },
    );
  }
  return out as unknown as KeystationApi;
}

export function AccessProvider({ children }: { children: ReactNode }) {
  const outer = useApi();
  const [status, setStatus] = useState<AccessStatus | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const refreshRef = useRef<() => void>(() => {});
  const api = useMemo(() => watchSession(outer, () => refreshRef.current()), [outer]);

  const refresh = useCallback(async () => {
    const r = await api.operator.status({});
    if (r.ok) {
      setStatus(r.value);
      setError(null);
    } else setError(r.error);
  }, [api]);

  useEffect(() => {
    refreshRef.current = () => void refresh();
    void refresh();
  }, [refresh]);

  const value = useMemo(
    () => ({ status, error, set: setStatus, refresh }),
    [status, error, refresh],
  );
  return (
    <ApiProvider api={api}>
      <AccessContext.Provider value={value}>{children}</AccessContext.Provider>
    </ApiProvider>
  );
}

export function useAccess(): AccessContextValue {
  const v = useContext(AccessContext);
  if (!v) throw new Error('useAccess outside AccessProvider');
  return v;
}

/** A contract error in words: this issue's own messages first, then the shared catalog. */
export function useErrorText(): (e: ContractError) => string {
  const { tDynamic, error } = useI18n();
  return useCallback(
    (e: ContractError) => tDynamic(`operator.errors.${e.kind}.${e.code}`, error(e), e.params),
    [tDynamic, error],
  );
}

/**
 * Calls `onIdle` after `seconds` without keyboard, pointer or touch input, and `onWarn`
 * `warnSeconds` before that (kiosk). Returns seconds left while warning, else null.
 */
export function useIdleTimer(
  seconds: number | null,
  onIdle: () => void,
  options: { warnSeconds?: number; onActivity?: () => void } = {},
): { remaining: number | null; reset: () => void } {
  const [last, setLast] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  const { warnSeconds = 0, onActivity } = options;

  const reset = useCallback(() => {
    setLast(Date.now());
    onActivity?.();
  }, [onActivity]);

  useEffect(() => {
    if (seconds === null) return;
    let lastEvent = 0;
    const onInput = () => {
      const t = Date.now();
      // Many events per second while typing or moving: count at most one per 500 ms.
      if (t - lastEvent < 500) return;
      lastEvent = t;
      reset();
    };
    const events = [
      'keydown',
      'input',
      'pointerdown',
      'pointermove',
      'wheel',
      'touchstart',
    ] as const;
    for (const e of events) window.addEventListener(e, onInput, { passive: true });
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => {
      for (const e of events) window.removeEventListener(e, onInput);
      clearInterval(timer);
    };
  }, [seconds, reset]);

  const elapsed = (now - last) / 1000;
  const expired = seconds !== null && elapsed >= seconds;
  useEffect(() => {
    if (expired) onIdle();
    // onIdle once per expiry
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expired]);

  if (seconds === null || expired) return { remaining: null, reset };
  const left = Math.ceil(seconds - elapsed);
  return { remaining: warnSeconds > 0 && left <= warnSeconds ? left : null, reset };
}

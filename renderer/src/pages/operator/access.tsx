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
  useState,
  type ReactNode,
} from 'react';
import type { AccessStatus, ContractError } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { useI18n } from '../../i18n/I18nProvider';

interface AccessContextValue {
  status: AccessStatus | null;
  error: ContractError | null;
  /** Replace the state with what a call answered (sign-in, sign-out, kiosk…). */
  set(status: AccessStatus): void;
  refresh(): Promise<void>;
}

const AccessContext = createContext<AccessContextValue | null>(null);

export function AccessProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [status, setStatus] = useState<AccessStatus | null>(null);
  const [error, setError] = useState<ContractError | null>(null);

  const refresh = useCallback(async () => {
    const r = await api.operator.status({});
    if (r.ok) {
      setStatus(r.value);
      setError(null);
    } else setError(r.error);
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const value = useMemo(
    () => ({ status, error, set: setStatus, refresh }),
    [status, error, refresh],
  );
  return <AccessContext.Provider value={value}>{children}</AccessContext.Provider>;
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

/** Long key operations on the Security keys page: an operation id, its progress, "touch". */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ContractError, OperationProgress, Result } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { useI18n } from '../../../i18n/I18nProvider';

let counter = 0;

export function useOperation() {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [touch, setTouch] = useState(false);
  const [progress, setProgress] = useState<OperationProgress | null>(null);
  const current = useRef<string | null>(null);

  useEffect(() => {
    const offKeep = api.events.subscribe('key.keepalive', (e) => {
      if (e.operationId === current.current) setTouch(e.status === 'touchNeeded');
    });
    const offProg = api.events.subscribe('operation.progress', (e) => {
      if (e.operationId === current.current) {
        setProgress(e);
        setTouch(false);
      }
    });
    return () => {
      offKeep();
      offProg();
      if (current.current) void api.keyManager.cancel({ operationId: current.current });
    };
  }, [api]);

  const run = useCallback(
    async <T>(call: (operationId: string) => Promise<Result<T>>): Promise<Result<T>> => {
      counter += 1;
      const operationId = `km-${Date.now().toString(36)}-${counter}`;
      current.current = operationId;
      setBusy(true);
      setTouch(false);
      setProgress(null);
      try {
        return await call(operationId);
      } finally {
        current.current = null;
        setBusy(false);
        setTouch(false);
      }
    },
    [],
  );

  const cancel = useCallback(() => {
    if (current.current) void api.keyManager.cancel({ operationId: current.current });
  }, [api]);

  return { busy, touch, progress, run, cancel };
}

/** A key error in the page's words (operator.keys.errors.*), else the shared message. */
export function useKeyError(): (e: ContractError) => string {
  const { tDynamic, error } = useI18n();
  return useCallback(
    (e: ContractError) => tDynamic(`operator.keys.errors.${e.code}`, error(e), e.params ?? {}),
    [tDynamic, error],
  );
}

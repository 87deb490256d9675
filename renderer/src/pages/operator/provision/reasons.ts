/** A provisioning reason code (docs/PROVISIONING.md) in the operator's words. */
import { useCallback } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';
import { reasonAsError } from './reasonCodes';

export function useReasonText(): (reason: string) => string {
  const { tDynamic, error } = useI18n();
  return useCallback(
    (reason: string) => {
      const e = reasonAsError(reason);
      if (e) return error(e);
      return tDynamic(
        `operator.provision.reasons.${reason}`,
        error({ kind: 'internal', code: 'unexpected' }),
      );
    },
    [tDynamic, error],
  );
}

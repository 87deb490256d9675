/** A provisioning reason code (docs/PROVISIONING.md) in the operator's words. */
import { useCallback } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';

export function useReasonText(): (reason: string) => string {
  const { tDynamic, error } = useI18n();
  return useCallback(
    (reason: string) => {
      const [kind, code] = reason.split(':', 2);
      if (code !== undefined && kind === 'transport') return error({ kind: 'transport', code });
      if (code !== undefined && kind === 'ctap') return error({ kind: 'ctap', code });
      return tDynamic(
        `operator.provision.reasons.${reason}`,
        error({ kind: 'internal', code: 'unexpected' }),
      );
    },
    [tDynamic, error],
  );
}

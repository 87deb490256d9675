/** A provisioning reason code (docs/PROVISIONING.md) in the operator's words. */
import { useCallback } from 'react';
import { useI18n } from '../../../i18n/I18nProvider';

export function useReasonText(): (reason: string) => string {
  const { tDynamic, error } = useI18n();
  return useCallback(
    (reason: string) => {
      const colon = reason.indexOf(':');
      const kind = colon < 0 ? reason : reason.slice(0, colon);
      const code = colon < 0 ? undefined : reason.slice(colon + 1);
      if (code !== undefined && kind === 'transport') return error({ kind: 'transport', code });
      if (code !== undefined && kind === 'ctap') return error({ kind: 'ctap', code });
      if (code !== undefined && kind === 'station') {
        // `station:<code>?<params>`: the message a person's own key gets for the same refusal.
        const query = code.indexOf('?');
        const params =
          query < 0 ? {} : Object.fromEntries(new URLSearchParams(code.slice(query + 1)));
        return error({ kind: 'station', code: query < 0 ? code : code.slice(0, query), params });
      }
      return tDynamic(
        `operator.provision.reasons.${reason}`,
        error({ kind: 'internal', code: 'unexpected' }),
      );
    },
    [tDynamic, error],
  );
}

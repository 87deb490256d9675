import type { ContractError } from '../../../../preload/contract';
import { useI18n } from '../../i18n/I18nProvider';

/** A refused change or delete, in the security info page's own words, read out at once. */
export function MethodError({ error }: { error: ContractError | null }) {
  const i18n = useI18n();
  return (
    <div aria-live="assertive" aria-atomic="true">
      {error ? (
        <p className="ks-notice ks-notice--error">
          {i18n.tDynamic(`securityInfo.errors.${error.code}`, i18n.error(error), {
            ...(error.params ?? {}),
            count: typeof error.params?.limit === 'number' ? error.params.limit : undefined,
          })}
        </p>
      ) : null}
    </div>
  );
}

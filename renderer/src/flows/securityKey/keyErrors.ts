/** The security key flow's own words for errors (DESIGN.md §3.3), shared by its steps. */
import type { ContractError } from '../../../../preload/contract';
import type { useI18n } from '../../i18n/I18nProvider';

/** The flow's own words for a key error (DESIGN.md §3.3), else the shared message for the code. */
export function keyErrorText(
  i18n: ReturnType<typeof useI18n>,
  error: ContractError,
  personName: string,
): string {
  const params = { ...(error.params ?? {}), person: personName };
  const retriesLeft = error.params?.retriesLeft;
  if (
    error.code === 'securityKey.wrongPin' &&
    typeof retriesLeft === 'number' &&
    retriesLeft >= 0
  ) {
    return i18n.t('securityKey.errors.securityKey.wrongPinTries', { count: retriesLeft });
  }
  return i18n.tDynamic(`securityKey.errors.${error.code}`, i18n.error(error), params);
}

/** What to do next after a key error (DESIGN.md §3.3), else the general advice. */
export function keyNextStep(i18n: ReturnType<typeof useI18n>, error: ContractError): string {
  return i18n.tDynamic(
    `securityKey.next.${error.code}`,
    i18n.t('securityKey.next.default'),
    error.params ?? {},
  );
}

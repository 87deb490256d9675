import type { ReactNode } from 'react';
import { Button } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';

/** A step's buttons: Cancel, then the primary submit ("Next" unless said otherwise). */
export function StepActions({
  cancelButton,
  label,
  unavailable,
  disabledReason,
}: {
  cancelButton: ReactNode;
  label?: string;
  unavailable?: boolean;
  disabledReason?: string;
}) {
  const { t } = useI18n();
  return (
    <>
      {cancelButton}
      <Button
        type="submit"
        variant="primary"
        unavailable={unavailable}
        disabledReason={disabledReason}
      >
        {label ?? t('common.next')}
      </Button>
    </>
  );
}

import type { ReactNode } from 'react';
import type { ContractError } from '../../../../../preload/contract';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';
import { keyErrorText, keyNextStep } from '../keyErrors';
import { StepActions } from './StepActions';

/** A failure in plain words with the next step, and what "Try again" / "Start over" does. */
export function ErrorStep({
  error,
  personName,
  retryLabel,
  onRetry,
  cancelButton,
}: {
  error: ContractError;
  personName: string;
  retryLabel: string;
  onRetry(): void;
  cancelButton: ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <FlowStep
      title={t('securityKey.errorStep.title')}
      testId="security-key-error"
      onSubmit={onRetry}
      actions={<StepActions cancelButton={cancelButton} label={retryLabel} />}
    >
      <div
        className="ks-notice ks-notice--error"
        role="alert"
        data-testid="security-key-error-message"
      >
        <p className="ks-notice__title">{keyErrorText(i18n, error, personName)}</p>
        <p>{keyNextStep(i18n, error)}</p>
      </div>
    </FlowStep>
  );
}

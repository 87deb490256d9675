import { useState, type ReactNode } from 'react';
import type { ContractError, SecurityKeyStart } from '../../../../../preload/contract';
import { TextField } from '../../../components';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';
import { keyErrorText } from '../keyErrors';
import { StepActions } from './StepActions';

/** Name the key (trimmed, at most the station's length), shown in the person's methods. */
export function NameStep({
  keyInfo,
  error,
  onNext,
  cancelButton,
}: {
  keyInfo: SecurityKeyStart;
  error: ContractError | null;
  onNext(name: string): void;
  cancelButton: ReactNode;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [name, setName] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const shown = localError ?? (error ? keyErrorText(i18n, error, '') : null);
  return (
    <FlowStep
      title={t('securityKey.name.title')}
      testId="security-key-name"
      onSubmit={() => {
        const trimmed = name.trim();
        if (trimmed.length === 0) return setLocalError(t('securityKey.name.required'));
        if ([...trimmed].length > keyInfo.maxNameLength)
          return setLocalError(
            t('securityKey.errors.securityKey.nameInvalid', { max: keyInfo.maxNameLength }),
          );
        setLocalError(null);
        onNext(trimmed);
      }}
      actions={<StepActions cancelButton={cancelButton} />}
    >
      <p>{t('securityKey.name.body')}</p>
      <TextField
        label={t('securityKey.name.label')}
        hint={t('securityKey.name.hint', { max: keyInfo.maxNameLength })}
        value={name}
        error={shown}
        maxLength={keyInfo.maxNameLength + 8}
        autoComplete="off"
        onChange={(e) => setName(e.target.value)}
        data-testid="key-name-input"
      />
    </FlowStep>
  );
}

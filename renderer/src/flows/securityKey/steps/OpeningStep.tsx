import type { ReactNode } from 'react';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';

/** The key is being opened (getInfo, the station's checks); only Cancel. */
export function OpeningStep({ cancelButton }: { cancelButton: ReactNode }) {
  const { t } = useI18n();
  return (
    <FlowStep
      title={t('securityKey.opening.title')}
      testId="security-key-opening"
      actions={cancelButton}
    >
      <p role="status" className="ks-key-waiting">
        <span className="ks-spinner" aria-hidden="true" /> {t('securityKey.opening.body')}
      </p>
    </FlowStep>
  );
}

import type { MethodSummary } from '../../../../../preload/contract';
import { Button } from '../../../components';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';

/** The key is registered and its test sign-in passed. */
export function DoneStep({ method, onDone }: { method: MethodSummary; onDone(): void }) {
  const { t } = useI18n();
  return (
    <FlowStep
      title={t('securityKey.done.title')}
      testId="security-key-done"
      onSubmit={onDone}
      actions={
        <Button type="submit" variant="primary">
          {t('common.done')}
        </Button>
      }
    >
      <div className="ks-flow-success" role="status">
        <span className="ks-flow-success__mark" aria-hidden="true">
          ✓
        </span>
        <div>
          <p className="ks-flow-success__title">
            {t('securityKey.done.registered', {
              name: method.securityKey?.name ?? method.label,
            })}
          </p>
          <p>
            {method.securityKey?.isVirtual
              ? t('securityInfo.virtualKey')
              : (method.securityKey?.model ?? '')}
          </p>
          <p>{t('securityKey.done.body')}</p>
        </div>
      </div>
    </FlowStep>
  );
}

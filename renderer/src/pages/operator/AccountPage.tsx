import { useI18n } from '../../i18n/I18nProvider';
import { useAccess } from './access';
import { ConsoleLayout } from './ConsoleLayout';
import { LiftLockout } from './LiftLockout';
import { OperatorKeyRegistration } from './OperatorKeyRegistration';

/** The signed-in operator: their keys, and registering one more. */
export function AccountPage() {
  const { t } = useI18n();
  const { status, refresh } = useAccess();
  const op = status?.operator;
  return (
    <ConsoleLayout title={t('operator.account.title')} current="/operator/account">
      {op ? (
        <p className="ks-lead">
          {t('operator.account.summary', {
            name: op.displayName,
            username: op.username,
            count: op.securityKeys,
          })}
        </p>
      ) : null}
      <h2 className="ks-section-title">{t('operator.account.addKey')}</h2>
      <OperatorKeyRegistration onDone={() => void refresh()} />
      <h2 className="ks-section-title">{t('operator.account.liftLockTitle')}</h2>
      <LiftLockout />
    </ConsoleLayout>
  );
}

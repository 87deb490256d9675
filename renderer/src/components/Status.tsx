import type { ContractError } from '../../../preload/contract';
import { useI18n } from '../i18n/I18nProvider';
import { Button } from './Button';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="ks-loading" role="status">
      <span className="ks-spinner" aria-hidden="true" />
      {t('common.loading')}
    </p>
  );
}

/** A contract error as a translated message, never a code or a stack. */
export function ErrorNotice({ error, onRetry }: { error: ContractError; onRetry?: () => void }) {
  const { t, error: message } = useI18n();
  return (
    <div className="ks-notice ks-notice--error" role="alert">
      <p className="ks-notice__title">{t('errors.title')}</p>
      <p>{message(error)}</p>
      {onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : null}
    </div>
  );
}

export function Notice({
  tone,
  children,
}: {
  tone: 'info' | 'success' | 'warning';
  children: React.ReactNode;
}) {
  return <div className={`ks-notice ks-notice--${tone}`}>{children}</div>;
}

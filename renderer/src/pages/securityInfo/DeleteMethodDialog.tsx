import { useEffect, useState } from 'react';
import type { ContractError, MethodSummary, SecurityInfo } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button, Dialog, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { describeMethod } from '../methodDetail';
import { MethodError } from './MethodError';

/** Delete always confirms and says it cannot be undone (DESIGN.md §1). */
export function DeleteMethodDialog({
  info,
  method,
  describe,
  onClose,
}: {
  info: SecurityInfo;
  method: MethodSummary;
  describe(m: MethodSummary): string;
  onClose(changed: boolean): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const toasts = useToasts();
  const [error, setError] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);

  // The safe choice has focus first, so Enter never deletes by accident (after showModal,
  // which focuses the first control itself).
  useEffect(() => {
    const timer = setTimeout(
      () => document.querySelector<HTMLElement>('[data-testid="delete-cancel"]')?.focus(),
      0,
    );
    return () => clearTimeout(timer);
  }, []);

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    const r = await api.methods.delete({ personId: info.person.id, methodId: method.id });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      if (r.error.code === 'method.notFound') onClose(true);
      return;
    }
    toasts.show(
      (i18n) =>
        i18n.t('securityInfo.deleteDialog.deleted', { method: describeMethod(method, i18n) }),
      'success',
    );
    const newDefault = r.value.newDefault;
    if (newDefault && method.isDefault) {
      toasts.show(
        (i18n) =>
          i18n.t('securityInfo.deleteDialog.newDefault', {
            method: describeMethod(newDefault, i18n),
          }),
        'info',
      );
    }
    onClose(true);
  };

  return (
    <Dialog
      open
      title={t('securityInfo.deleteMethod', { method: describe(method) })}
      onClose={() => onClose(false)}
      actions={
        <>
          <Button onClick={() => onClose(false)} data-testid="delete-cancel">
            {t('common.cancel')}
          </Button>
          <Button
            variant="danger"
            unavailable={busy}
            onClick={() => void confirm()}
            data-testid="delete-confirm"
          >
            {t('securityInfo.deleteDialog.confirm')}
          </Button>
        </>
      }
    >
      <p>{t('securityInfo.deleteDialog.body', { method: describe(method) })}</p>
      <p className="ks-delete-warning">{t('securityInfo.deleteDialog.warning')}</p>
      <MethodError error={error} />
    </Dialog>
  );
}

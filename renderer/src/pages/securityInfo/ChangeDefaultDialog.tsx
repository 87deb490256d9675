import { useId, useState } from 'react';
import type { ContractError, MethodSummary, SecurityInfo } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button, Dialog, Icon, methodIconName, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { describeMethod } from '../methodDetail';
import { MethodError } from './MethodError';

/** "Default sign-in method: … Change" — only MFA-capable methods are offered (DESIGN.md §1). */
export function ChangeDefaultDialog({
  info,
  candidates,
  describe,
  onClose,
}: {
  info: SecurityInfo;
  candidates: MethodSummary[];
  describe(m: MethodSummary): string;
  onClose(changed: boolean): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const toasts = useToasts();
  const [choice, setChoice] = useState<string | null>(info.defaultMethodId);
  const [error, setError] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);
  const name = useId();

  const confirm = async () => {
    if (!choice || busy) return;
    if (choice === info.defaultMethodId) return onClose(false);
    setBusy(true);
    const r = await api.methods.setDefault({ personId: info.person.id, methodId: choice });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    const chosen = r.value;
    toasts.show(
      (i18n) =>
        i18n.t('securityInfo.changeDefaultDialog.changed', {
          method: describeMethod(chosen, i18n),
        }),
      'success',
    );
    onClose(true);
  };

  return (
    <Dialog
      open
      title={t('securityInfo.changeDefaultDialog.title')}
      onClose={() => onClose(false)}
      actions={
        <>
          <Button onClick={() => onClose(false)}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            unavailable={busy}
            onClick={() => void confirm()}
            data-testid="change-default-confirm"
          >
            {t('securityInfo.changeDefaultDialog.confirm')}
          </Button>
        </>
      }
    >
      <p>{t('securityInfo.changeDefaultDialog.body')}</p>
      <fieldset className="ks-default-choices">
        <legend>{t('securityInfo.changeDefaultDialog.legend')}</legend>
        {candidates.map((m) => (
          <label key={m.id} className="ks-default-choice">
            <input
              type="radio"
              name={name}
              value={m.id}
              checked={choice === m.id}
              onChange={() => setChoice(m.id)}
            />
            <Icon name={methodIconName(m.kind)} /> {describe(m)}
            {m.id === info.defaultMethodId ? (
              <span className="ks-badge ks-badge--default">
                {t('securityInfo.changeDefaultDialog.current')}
              </span>
            ) : null}
          </label>
        ))}
      </fieldset>
      <MethodError error={error} />
    </Dialog>
  );
}

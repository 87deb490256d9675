import { useId, useState } from 'react';
import { MAX_TOTP_METHODS } from '../../../../domain/methods';
import type { MethodKind } from '../../../../preload/contract';
import { Button, Dialog, Icon, methodIconName } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';

/** "+ Add method": only what the policy allows and what is not at a limit (DESIGN.md §1). */
export function AddMethodDialog({
  kinds,
  limited,
  kindName,
  onClose,
  onChoose,
}: {
  kinds: MethodKind[];
  limited: MethodKind[];
  kindName(kind: MethodKind): string;
  onClose(): void;
  onChoose(kind: MethodKind): void;
}) {
  const { t } = useI18n();
  const [choice, setChoice] = useState<MethodKind | null>(kinds.length === 1 ? kinds[0] : null);
  const name = useId();
  const limitNote = useId();
  return (
    <Dialog
      open
      title={t('securityInfo.addMethod')}
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            variant="primary"
            unavailable={!choice}
            onClick={() => choice && onChoose(choice)}
            data-testid="add-method-confirm"
          >
            {t('securityInfo.addDialog.add')}
          </Button>
        </>
      }
    >
      <fieldset className="ks-default-choices">
        <legend>{t('securityInfo.addDialog.body')}</legend>
        {kinds.map((k) => (
          <label key={k} className="ks-default-choice">
            <input
              type="radio"
              name={name}
              value={k}
              checked={choice === k}
              onChange={() => setChoice(k)}
            />
            <Icon name={methodIconName(k)} /> {kindName(k)}
          </label>
        ))}
        {limited.map((k) => (
          <label key={k} className="ks-default-choice" aria-disabled="true">
            <input type="radio" name={name} value={k} disabled aria-describedby={limitNote} />
            <Icon name={methodIconName(k)} /> {kindName(k)}
          </label>
        ))}
      </fieldset>
      {limited.length > 0 ? (
        <p id={limitNote} className="ks-limit-note" role="note" data-testid="add-method-limit">
          {t('enroll.errors.method.limitReached', { limit: MAX_TOTP_METHODS })}
        </p>
      ) : null}
    </Dialog>
  );
}

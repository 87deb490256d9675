import { useEffect, useRef, useState } from 'react';
import type { ContractError, MethodSummary } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { describeMethod } from '../methodDetail';

/** The longest name main accepts for an app or token (main/station/methods/registry.ts). */
const NAME_MAX = 64;

/**
 * "Byt namn" for an authenticator app or hardware token, in its row (the same inline name field
 * and "Spara" as a key's name in the key manager). Main checks the name; a refused one is said
 * in the person's language under the field and nothing changes.
 */
export function RenameMethodForm({
  personId,
  method,
  onClose,
}: {
  personId: string;
  method: MethodSummary;
  onClose(changed: boolean): void;
}) {
  const api = useApi();
  const i18n = useI18n();
  const { t, tDynamic } = i18n;
  const toasts = useToasts();
  const [name, setName] = useState(method.name ?? '');
  const [error, setError] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    form.current?.querySelector('input')?.focus();
  }, []);

  const save = async () => {
    if (busy) return;
    setBusy(true);
    const r = await api.methods.rename({ personId, methodId: method.id, name });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      if (r.error.code === 'method.notFound') onClose(true);
      return;
    }
    const renamed = r.value;
    toasts.show(
      (i18nNow) =>
        i18nNow.t('securityInfo.rename.renamed', { method: describeMethod(renamed, i18nNow) }),
      'success',
    );
    onClose(true);
  };

  return (
    <form
      ref={form}
      className="ks-rename"
      data-testid="rename-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose(false);
        }
      }}
    >
      <TextField
        label={tDynamic(
          `securityInfo.rename.label.${method.kind}`,
          t('securityInfo.rename.action'),
        )}
        hint={t('securityInfo.rename.hint', { max: NAME_MAX })}
        value={name}
        maxLength={256}
        autoComplete="off"
        error={error ? i18n.error(error) : null}
        onChange={(e) => {
          setName(e.target.value);
          setError(null);
        }}
        data-testid="rename-input"
      />
      <div className="ks-rename__actions">
        <Button type="submit" variant="primary" unavailable={busy} data-testid="rename-save">
          {t('securityInfo.rename.save')}
        </Button>
        <Button onClick={() => onClose(false)} data-testid="rename-cancel">
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}

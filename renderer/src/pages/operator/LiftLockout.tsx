import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiProvider';
import { Button, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';

/**
 * Lifts another operator's password lock (too many wrong passwords). The station allows it only
 * to an operator signed in with their own security key; anyone else gets that message.
 */
export function LiftLockout() {
  const api = useApi();
  const { t } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const name = username.trim();
    if (busy || !name) return;
    setBusy(true);
    setError(null);
    const r = await api.operator.liftLockout({ username: name });
    setBusy(false);
    if (r.ok) {
      setUsername('');
      show(t('operator.account.lockLifted', { username: name }), 'success');
    } else setError(errorText(r.error));
  }

  return (
    <form className="ks-op-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      <p className="ks-muted">{t('operator.account.liftLockHint')}</p>
      <TextField
        label={t('operator.account.liftLockUser')}
        value={username}
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
        error={error}
        onChange={(e) => setUsername(e.target.value)}
      />
      <Button type="submit" disabled={busy}>
        {t('operator.account.liftLock')}
      </Button>
    </form>
  );
}

/**
 * Operator sign-in (DESIGN.md §3.7): the operator's own security key first, a password otherwise.
 * Also the kiosk's operator unlock (`purpose="unlock"`), which ends kiosk mode.
 */
import { MAX_PIN_BYTES } from '../../../../domain/pin';
import { useState, type FormEvent } from 'react';
import type { AccessStatus, ContractError, Result } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button, Notice, TextField } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useAccess, useErrorText } from './access';
import { KeyTouchPrompt } from './KeyTouchPrompt';

export function OperatorSignIn({
  purpose,
  onDone,
}: {
  purpose: 'signIn' | 'unlock';
  onDone?: (status: AccessStatus) => void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const { set } = useAccess();
  const [method, setMethod] = useState<'key' | 'password'>('key');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  async function finish(run: Promise<Result<AccessStatus>>) {
    setBusy(true);
    setError(null);
    const r = await run;
    setBusy(false);
    if (r.ok) {
      setPassword('');
      setPin('');
      set(r.value);
      onDone?.(r.value);
    } else setError(r.error);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const user = username.trim();
    if (method === 'key') {
      const args = { pin, ...(user ? { username: user } : {}) };
      void finish(
        purpose === 'unlock' ? api.kiosk.unlockWithKey(args) : api.operator.signInWithKey(args),
      );
    } else {
      const args = { username: user, password };
      void finish(
        purpose === 'unlock'
          ? api.kiosk.unlockWithPassword(args)
          : api.operator.signInWithPassword(args),
      );
    }
  }

  return (
    <form className="ks-op-signin" onSubmit={submit} aria-busy={busy}>
      <div className="ks-op-tabs" role="radiogroup" aria-label={t('operator.signIn.method')}>
        <label>
          <input
            type="radio"
            name="method"
            checked={method === 'key'}
            onChange={() => setMethod('key')}
          />
          {t('operator.signIn.withKey')}
        </label>
        <label>
          <input
            type="radio"
            name="method"
            checked={method === 'password'}
            onChange={() => setMethod('password')}
          />
          {t('operator.signIn.withPassword')}
        </label>
      </div>
      <TextField
        label={
          method === 'key' ? t('operator.signIn.usernameOptional') : t('operator.signIn.username')
        }
        value={username}
        autoComplete="username"
        spellCheck={false}
        maxLength={64}
        onChange={(e) => setUsername(e.target.value)}
      />
      {method === 'key' ? (
        <>
          <p className="ks-muted">{t('operator.signIn.keyHint')}</p>
          <TextField
            label={t('operator.signIn.pin')}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            maxLength={MAX_PIN_BYTES}
            onChange={(e) => setPin(e.target.value)}
          />
        </>
      ) : (
        <TextField
          label={t('operator.signIn.password')}
          type="password"
          autoComplete="current-password"
          value={password}
          maxLength={256}
          onChange={(e) => setPassword(e.target.value)}
        />
      )}
      <KeyTouchPrompt operationId="operator-sign-in" active={busy && method === 'key'} />
      {error ? (
        <div className="ks-notice ks-notice--error" role="alert">
          <p>{errorText(error)}</p>
        </div>
      ) : null}
      {purpose === 'unlock' ? <Notice tone="info">{t('kiosk.unlock.explain')}</Notice> : null}
      <Button type="submit" variant="primary" unavailable={busy}>
        {purpose === 'unlock' ? t('kiosk.unlock.submit') : t('operator.signIn.submit')}
      </Button>
    </form>
  );
}

/** Register the signed-in operator's own security key (first run or the console's account page). */
import { MAX_PIN_BYTES, pinAcceptable, pinRuleState } from '../../../../domain/pin';
import { useId, useState, type FormEvent } from 'react';
import type { ContractError, OperatorIdentity } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, Notice, TextField } from '../../components';
import { keyErrorText } from '../../flows/securityKey/keyErrors';
import { useI18n } from '../../i18n/I18nProvider';
import { useAccess, useErrorText } from './access';
import { KeyTouchPrompt } from './KeyTouchPrompt';

/**
 * Refusals by the rules an operator's key shares with a person's key (PIN policy, allowed
 * models, the virtual key in production): shown in the security key flow's own words.
 */
const SHARED_KEY_RULES =
  /^(pin\.|securityKey\.(virtualKeyRefused|modelNotAllowed|attestationRequired)$)/;

export function OperatorKeyRegistration({ onDone }: { onDone?: (op: OperatorIdentity) => void }) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const operatorErrorText = useErrorText();
  const operatorName = useAccess().status?.operator?.displayName ?? '';
  const errorText = (e: ContractError): string =>
    e.kind === 'station' && SHARED_KEY_RULES.test(e.code)
      ? keyErrorText(i18n, e, operatorName)
      : operatorErrorText(e);
  const { state: key, reload } = useCall((a) => a.operator.keyStatus({}), []);
  const [pin, setPin] = useState('');
  const [confirm, setConfirm] = useState('');
  const [name, setName] = useState(t('operator.key.defaultName'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState<OperatorIdentity | null>(null);

  const [notAcceptable, setNotAcceptable] = useState(false);
  const rulesId = useId();

  const needsNewPin = key.status === 'ok' && key.value.pinSet === false;
  // The same rules as people's keys (domain/pin.ts), shown live while the PIN is typed.
  const pinPolicy = key.status === 'ok' ? key.value.pinPolicy : null;
  const rules = pinPolicy ? pinRuleState(pin, pinPolicy) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (needsNewPin && rules && !pinAcceptable(rules)) {
      setNotAcceptable(true);
      return;
    }
    setNotAcceptable(false);
    if (needsNewPin && pin !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    const r = await api.operator.registerKey({ pin, name });
    setBusy(false);
    setPin('');
    setConfirm('');
    if (r.ok) {
      setDone(r.value);
      onDone?.(r.value);
    } else {
      setError(r.error);
      reload();
    }
  }

  if (done) {
    return (
      <Notice tone="success">
        <p data-testid="operator-key-registered">
          {t('operator.key.registered', { count: done.securityKeys })}
        </p>
      </Notice>
    );
  }
  return (
    <form className="ks-op-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
      {key.status === 'ok' ? (
        key.value.present ? (
          <p data-testid="operator-key-present">
            {key.value.virtual ? t('operator.key.virtualPresent') : t('operator.key.present')}
            {key.value.refused ? ` ${t('operator.key.refused')}` : ''}
          </p>
        ) : (
          <p className="ks-notice ks-notice--warning">
            {t('operator.key.insert')}{' '}
            <Button variant="link" onClick={reload}>
              {t('common.retry')}
            </Button>
          </p>
        )
      ) : null}
      <TextField
        label={needsNewPin ? t('operator.key.newPin') : t('operator.signIn.pin')}
        hint={needsNewPin ? t('operator.key.newPinHint') : undefined}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={pin}
        maxLength={MAX_PIN_BYTES}
        error={notAcceptable ? t('securityKey.pin.notAcceptable') : null}
        aria-describedby={needsNewPin ? rulesId : undefined}
        onChange={(e) => setPin(e.target.value)}
      />
      {needsNewPin && rules && pinPolicy ? (
        <ul className="ks-pin-rules" id={rulesId} data-testid="operator-pin-rules">
          <PinRuleLine
            ok={rules.longEnough}
            text={t('securityKey.pin.ruleLength', { count: pinPolicy.minLength })}
          />
          {pinPolicy.rejectTrivial ? (
            <PinRuleLine ok={rules.notTrivial} text={t('securityKey.pin.ruleTrivial')} />
          ) : null}
          <PinRuleLine
            ok={confirm.length > 0 && confirm === pin}
            text={t('securityKey.pin.ruleMatch')}
          />
        </ul>
      ) : null}
      {needsNewPin ? (
        <TextField
          label={t('operator.key.confirmPin')}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          value={confirm}
          maxLength={MAX_PIN_BYTES}
          error={mismatch ? t('operator.key.pinMismatch') : null}
          onChange={(e) => setConfirm(e.target.value)}
        />
      ) : null}
      <TextField
        label={t('operator.key.name')}
        value={name}
        maxLength={64}
        onChange={(e) => setName(e.target.value)}
      />
      <KeyTouchPrompt operationId="operator-key-registration" active={busy} />
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      <Button type="submit" variant="primary" unavailable={busy}>
        {t('operator.key.register')}
      </Button>
    </form>
  );
}

/** One line of the live PIN checklist, as in a person's key enrollment. */
function PinRuleLine({ ok, text }: { ok: boolean; text: string }) {
  const { t } = useI18n();
  return (
    <li className={ok ? 'ks-pin-rule ks-pin-rule--ok' : 'ks-pin-rule'}>
      <span aria-hidden="true">{ok ? '✓' : '○'}</span> {text}
      <span className="ks-visually-hidden">
        {ok ? t('securityKey.pin.ruleMet') : t('securityKey.pin.ruleNotMet')}
      </span>
    </li>
  );
}

import { useState } from 'react';
import { useApi } from '../../../api/ApiProvider';
import { TextField } from '../../../components';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';
import { keyErrorText } from '../keyErrors';
import { NewPinFields, usePinEntry, type PinStepProps } from '../pinEntry';
import { StepActions } from './StepActions';

/**
 * "Your security key needs a new PIN" (DESIGN.md §2; the key says forcePINChange, CTAP 2.1
 * §6.5.5.6 changePIN): the current PIN, a new PIN with the live checklist (the organization's
 * rules and the key's own minimum, both in pinPolicy.minLength; not the current PIN) and its
 * confirmation. A wrong current PIN says the tries left, as the enter-PIN step does; main checks
 * every rule again before anything reaches the key.
 */
export function ChangePinStep({ keyInfo, onAccepted, onFatal, cancelButton }: PinStepProps) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const entry = usePinEntry(keyInfo.pinPolicy);
  const { pin, confirmation } = entry;
  const [current, setCurrent] = useState('');
  const [currentError, setCurrentError] = useState<string | null>(null);
  const [retries, setRetries] = useState(keyInfo.pinRetries);
  const different = pin.length > 0 && pin.normalize('NFC') !== current.normalize('NFC');

  const submit = async () => {
    if (!entry.begin()) return;
    setCurrentError(null);
    if (current.length === 0) {
      setCurrentError(t('securityKey.changePin.enterCurrent'));
      return;
    }
    if (!entry.checkNewPin(different)) return;
    const r = await entry.send(() =>
      api.securityKey.changePin({
        enrollmentId: keyInfo.enrollmentId,
        currentPin: current,
        newPin: pin,
        confirmation,
      }),
    );
    if (r.ok) {
      onAccepted();
      return;
    }
    const code = r.error.code;
    if (r.error.kind !== 'station') return onFatal(r.error);
    if (code === 'securityKey.wrongPin') {
      setCurrent('');
      const retriesLeft = Number(r.error.params?.retriesLeft ?? -1);
      if (retriesLeft >= 0) setRetries(retriesLeft);
      setCurrentError(keyErrorText(i18n, r.error, ''));
      return;
    }
    if (code === 'input.invalid' && r.error.params?.field === 'currentPin') {
      setCurrent('');
      setCurrentError(t('securityKey.changePin.enterCurrent'));
      return;
    }
    if (code === 'pin.mismatch') {
      entry.setConfirmation('');
      entry.setConfirmError(keyErrorText(i18n, r.error, ''));
      return;
    }
    if (code.startsWith('pin.')) {
      entry.clear();
      entry.setError(keyErrorText(i18n, r.error, ''));
      return;
    }
    onFatal(r.error);
  };

  return (
    <FlowStep
      title={t('securityKey.changePin.title')}
      testId="security-key-change-pin"
      onSubmit={() => void submit()}
      actions={<StepActions cancelButton={cancelButton} unavailable={entry.busy} />}
    >
      <p>{t('securityKey.changePin.body')}</p>
      <TextField
        label={t('securityKey.changePin.currentPin')}
        hint={t('securityKey.changePin.currentHint')}
        type="password"
        autoComplete="current-password"
        inputMode="numeric"
        value={current}
        error={currentError}
        onChange={(e) => {
          setCurrent(e.target.value);
          setCurrentError(null);
        }}
        data-testid="current-pin-input"
      />
      {retries !== null ? (
        <p className="ks-muted" data-testid="change-pin-tries">
          {t('securityKey.changePin.triesLeft', { count: retries })}
        </p>
      ) : null}
      <NewPinFields
        entry={entry}
        pinLabel={t('securityKey.changePin.newPin')}
        confirmLabel={t('securityKey.changePin.confirm')}
        policy={keyInfo.pinPolicy}
        extraRule={{ ok: different, text: t('securityKey.changePin.ruleDifferent') }}
        // The checklist says live what is still missing; an old message would not.
        onTyped={() => entry.setError(null)}
      />
    </FlowStep>
  );
}

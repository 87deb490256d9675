import { useApi } from '../../../api/ApiProvider';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';
import { keyErrorText } from '../keyErrors';
import { NewPinFields, PinField, usePinEntry, type PinStepProps } from '../pinEntry';
import { StepActions } from './StepActions';

/** Create a PIN (rules shown live, confirmation field) or enter the key's PIN. */
export function PinStep({
  keyInfo,
  onAccepted,
  onMustChange,
  onFatal,
  cancelButton,
}: PinStepProps & { onMustChange(): void }) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const entry = usePinEntry(keyInfo.pinPolicy);
  const { pin, confirmation } = entry;
  const creating = keyInfo.pinStep === 'set';

  const submit = async () => {
    if (!entry.begin()) return;
    if (creating) {
      if (!entry.checkNewPin()) return;
    } else if (pin.length === 0) {
      entry.setError(t('securityKey.pin.enterIt'));
      return;
    }
    const r = await entry.send(() =>
      creating
        ? api.securityKey.setPin({ enrollmentId: keyInfo.enrollmentId, pin, confirmation })
        : api.securityKey.verifyPin({ enrollmentId: keyInfo.enrollmentId, pin }),
    );
    if (r.ok) {
      onAccepted();
      return;
    }
    const code = r.error.code;
    if (r.error.kind === 'station' && code === 'securityKey.pinChangeRequired') {
      onMustChange();
      return;
    }
    if (
      r.error.kind === 'station' &&
      (code.startsWith('pin.') || code === 'securityKey.wrongPin')
    ) {
      entry.clear();
      const retriesLeft = Number(r.error.params?.retriesLeft ?? -1);
      entry.setError(
        code === 'securityKey.wrongPin' && retriesLeft >= 0
          ? t('securityKey.errors.securityKey.wrongPinTries', { count: retriesLeft })
          : keyErrorText(i18n, r.error, ''),
      );
      return;
    }
    onFatal(r.error);
  };

  return (
    <FlowStep
      title={creating ? t('securityKey.pin.createTitle') : t('securityKey.pin.enterTitle')}
      testId="security-key-pin"
      onSubmit={() => void submit()}
      actions={<StepActions cancelButton={cancelButton} unavailable={entry.busy} />}
    >
      <p>{creating ? t('securityKey.pin.createBody') : t('securityKey.pin.enterBody')}</p>
      {creating ? (
        <NewPinFields
          entry={entry}
          pinLabel={t('securityKey.pin.newPin')}
          confirmLabel={t('securityKey.pin.confirm')}
          policy={keyInfo.pinPolicy}
        />
      ) : (
        <>
          <PinField entry={entry} label={t('securityKey.pin.pin')} isNew={false} />
          {keyInfo.pinRetries !== null ? (
            <p className="ks-muted">
              {t('securityKey.info.pinSetTries', { count: keyInfo.pinRetries })}
            </p>
          ) : null}
        </>
      )}
    </FlowStep>
  );
}

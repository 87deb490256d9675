/**
 * Guided reset (docs/KEYS.md "Reset"): confirm → remove → re-insert detected → same key
 * checked → reset sent at once → "touch" or "hold for 5 s" → done.
 */
import { useState } from 'react';
import { useApi } from '../../../api/ApiProvider';
import { Button, Notice } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import type { KeySectionProps } from './KeyDetails';
import { useOutcome } from './KeySettings';
import { useOperation } from './keyOperation';

export function KeyReset({ deviceId, onChanged }: KeySectionProps) {
  const api = useApi();
  const { t } = useI18n();
  const op = useOperation();
  const outcome = useOutcome();
  const [confirming, setConfirming] = useState(false);

  async function reset() {
    setConfirming(false);
    await op.run((operationId) =>
      outcome.track(
        api.keyManager.reset({ deviceId, operationId }),
        t('operator.keys.resetDone'),
        () => onChanged(),
      ),
    );
  }

  const step = op.touch ? 'touch' : (op.progress?.step ?? 'starting');
  return (
    <section className="ks-key-section" aria-labelledby="ks-key-reset">
      <h3 id="ks-key-reset">{t('operator.keys.reset')}</h3>
      {confirming ? (
        <Notice tone="warning">
          <span>{t('operator.keys.resetWarning')}</span>{' '}
          <Button variant="danger" onClick={() => void reset()} data-testid="reset-confirm">
            {t('operator.keys.resetConfirm')}
          </Button>{' '}
          <Button onClick={() => setConfirming(false)}>{t('common.cancel')}</Button>
        </Notice>
      ) : (
        <Button
          variant="danger"
          unavailable={op.busy}
          onClick={() => setConfirming(true)}
          data-testid="reset-start"
        >
          {t('operator.keys.resetStart')}
        </Button>
      )}
      {op.busy ? (
        <p role="status" data-testid="reset-status">
          {step === 'remove'
            ? t('operator.keys.resetRemove')
            : step === 'insert'
              ? t('operator.keys.resetInsert')
              : step === 'hold'
                ? t('operator.keys.resetHold')
                : step === 'touch'
                  ? t('operator.keys.resetTouch')
                  : t('operator.keys.resetWorking')}
        </p>
      ) : null}
      {op.busy ? <Button onClick={op.cancel}>{t('common.cancel')}</Button> : null}
      {outcome.view}
    </section>
  );
}

/** PIN (set / change under the station's and the key's rules) and authenticatorConfig. */
import { useState, type FormEvent } from 'react';
import type { ContractError, Result } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, Notice, TextField } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import type { KeySectionProps } from './KeyDetails';
import { useKeyError } from './keyOperation';

/** The outcome of the last action in a section: done, or the error in words. */
export function useOutcome() {
  const keyError = useKeyError();
  const [outcome, setOutcome] = useState<{ ok: string } | { error: ContractError } | null>(null);
  /** `done` '' for a plain read: its success leaves the last outcome shown. */
  async function track<T>(call: Promise<Result<T>>, done: string, onOk?: (v: T) => void) {
    if (done) setOutcome(null);
    const r = await call;
    if (r.ok) {
      if (done) setOutcome({ ok: done });
      onOk?.(r.value);
    } else setOutcome({ error: r.error });
    return r;
  }
  const view =
    outcome === null ? null : 'ok' in outcome ? (
      <p role="status" className="ks-key-ok" data-testid="key-outcome">
        {outcome.ok}
      </p>
    ) : (
      <p className="ks-field__error" role="alert" data-testid="key-outcome-error">
        {keyError(outcome.error)}
      </p>
    );
  return { track, view };
}

export function KeySettings({ deviceId, overview: o, pin, onChanged }: KeySectionProps) {
  const api = useApi();
  const { t } = useI18n();
  const pinOutcome = useOutcome();
  const cfgOutcome = useOutcome();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [minLength, setMinLength] = useState(String(Math.max(o.minPinLength, 4)));
  const [rpIds, setRpIds] = useState('');
  const [eaConfirm, setEaConfirm] = useState(false);
  const keyPin = pin || undefined;

  async function submitPin(e: FormEvent) {
    e.preventDefault();
    const r =
      o.pin === 'set'
        ? await pinOutcome.track(
            api.keyManager.changePin({
              deviceId,
              currentPin: current,
              newPin: next,
              confirmation: confirm,
            }),
            t('operator.keys.pinChanged'),
          )
        : await pinOutcome.track(
            api.keyManager.setPin({ deviceId, pin: next, confirmation: confirm }),
            t('operator.keys.pinCreated'),
          );
    if (r.ok) {
      setCurrent('');
      setNext('');
      setConfirm('');
      onChanged();
    }
  }

  async function configure(
    change: Parameters<typeof api.keyManager.configure>[0]['change'],
    done: string,
  ) {
    const r = await cfgOutcome.track(
      api.keyManager.configure({ deviceId, pin: keyPin, change }),
      done,
    );
    if (r.ok) onChanged();
  }

  const rpList = rpIds
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

  return (
    <>
      {o.pin !== 'unsupported' ? (
        <section className="ks-key-section" aria-labelledby="ks-key-pin">
          <h3 id="ks-key-pin">
            {o.pin === 'set' ? t('operator.keys.changePin') : t('operator.keys.setPin')}
          </h3>
          <p className="ks-muted">
            {t('operator.keys.pinRulesBoth', {
              station: o.stationPinMinLength,
              min: o.minPinLength,
              max: o.maxPinLength,
            })}
            {o.pinComplexityPolicy ? ` ${t('operator.keys.complexity')}` : ''}
          </p>
          <form onSubmit={(e) => void submitPin(e)} data-testid="pin-form">
            {o.pin === 'set' ? (
              <TextField
                label={t('operator.keys.currentPin')}
                type="password"
                autoComplete="off"
                value={current}
                onChange={(e) => setCurrent(e.target.value)}
              />
            ) : null}
            <TextField
              label={t('operator.keys.newPin')}
              type="password"
              autoComplete="off"
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
            <TextField
              label={t('operator.keys.confirmPin')}
              type="password"
              autoComplete="off"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
            <Button type="submit" variant="primary">
              {o.pin === 'set' ? t('operator.keys.changePin') : t('operator.keys.setPin')}
            </Button>
          </form>
          {pinOutcome.view}
        </section>
      ) : null}
      {o.authenticatorConfig ? (
        <section className="ks-key-section" aria-labelledby="ks-key-config">
          <h3 id="ks-key-config">{t('operator.keys.settings')}</h3>
          <div className="ks-key-actions">
            <Button
              unavailable={o.pin !== 'set'}
              onClick={() =>
                void configure({ kind: 'forcePinChange' }, t('operator.keys.forcePinChangeDone'))
              }
            >
              {t('operator.keys.forcePinChange')}
            </Button>
            {o.alwaysUv !== null ? (
              <Button
                onClick={() =>
                  void configure({ kind: 'alwaysUv' }, t('operator.keys.alwaysUvDone'))
                }
              >
                {o.alwaysUv ? t('operator.keys.alwaysUvOff') : t('operator.keys.alwaysUvOn')}
              </Button>
            ) : null}
          </div>
          <form
            className="ks-key-inline"
            onSubmit={(e) => {
              e.preventDefault();
              void configure(
                { kind: 'minPinLength', length: Number(minLength), rpIds: rpList },
                t('operator.keys.minPinLengthDone'),
              );
            }}
          >
            <TextField
              label={t('operator.keys.minPinLength')}
              type="number"
              min={o.minPinLength}
              max={63}
              value={minLength}
              onChange={(e) => setMinLength(e.target.value)}
            />
            <TextField
              label={t('operator.keys.minPinLengthRpIds')}
              hint={t('operator.keys.maxRpIds', { max: o.maxRpIdsForMinPinLength })}
              value={rpIds}
              onChange={(e) => setRpIds(e.target.value)}
            />
            <Button type="submit">{t('operator.keys.minPinLengthSave')}</Button>
          </form>
          {o.enterpriseAttestation === 'disabled' ? (
            eaConfirm ? (
              <Notice tone="warning">
                <span>{t('operator.keys.enterpriseAttestationWarning')}</span>{' '}
                <Button
                  variant="danger"
                  onClick={() => {
                    setEaConfirm(false);
                    void configure(
                      { kind: 'enterpriseAttestation' },
                      t('operator.keys.enterpriseAttestationDone'),
                    );
                  }}
                >
                  {t('operator.keys.enterpriseAttestationConfirm')}
                </Button>{' '}
                <Button onClick={() => setEaConfirm(false)}>{t('common.cancel')}</Button>
              </Notice>
            ) : (
              <Button onClick={() => setEaConfirm(true)}>
                {t('operator.keys.enterpriseAttestation')}
              </Button>
            )
          ) : null}
          {cfgOutcome.view}
        </section>
      ) : null}
    </>
  );
}

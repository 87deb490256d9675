/** One key: what it is and its state (ykman fido info), then what can be done with it. */
import { useCallback, useEffect, useState } from 'react';
import type { ContractError, KeyOverviewView } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, Loading, Notice, TextField } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import { KeyCredentials } from './KeyCredentials';
import { KeyFingerprints } from './KeyFingerprints';
import { KeyReset } from './KeyReset';
import { KeySettings } from './KeySettings';
import { useKeyError } from './keyOperation';

export interface KeySectionProps {
  deviceId: string;
  overview: KeyOverviewView;
  /** The key's PIN as entered on this page ('' when none was entered). */
  pin: string;
  onChanged(): void;
}

export function KeyDetails({ deviceId, onChanged }: { deviceId: string; onChanged(): void }) {
  const api = useApi();
  const { t } = useI18n();
  const keyError = useKeyError();
  const [overview, setOverview] = useState<KeyOverviewView | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const [pin, setPin] = useState('');

  const load = useCallback(async () => {
    const r = await api.keyManager.overview({ deviceId });
    if (r.ok) {
      setOverview(r.value);
      setError(null);
    } else setError(r.error);
  }, [api, deviceId]);

  useEffect(() => {
    void load();
  }, [load]);

  const changed = useCallback(() => {
    void load();
    onChanged();
  }, [load, onChanged]);

  if (error && !overview)
    return (
      <p className="ks-field__error" role="alert" data-testid="key-error">
        {keyError(error)}
      </p>
    );
  if (!overview) return <Loading />;
  const o = overview;
  const yesNo = (v: boolean | null) =>
    v === null
      ? t('operator.keys.notSupported')
      : v
        ? t('operator.keys.yes')
        : t('operator.keys.no');
  const rows: [string, string][] = [
    [t('operator.keys.model'), o.model + (o.known ? '' : ` (${o.aaguid})`)],
    [t('operator.keys.firmware'), o.firmware],
    [t('operator.keys.versions'), o.versions.join(', ')],
    [
      t('operator.keys.pin'),
      o.pin === 'set'
        ? t('operator.keys.pinSet', { retries: o.pinRetries ?? 0 })
        : o.pin === 'not-set'
          ? t('operator.keys.pinNotSet')
          : t('operator.keys.notSupported'),
    ],
    [
      t('operator.keys.pinRules'),
      t('operator.keys.pinRulesValue', { min: o.minPinLength, max: o.maxPinLength }),
    ],
    [
      t('operator.keys.uv'),
      o.uv === 'configured'
        ? t('operator.keys.uvRetries', { retries: o.uvRetries ?? 0 })
        : o.uv === 'not-configured'
          ? t('operator.keys.uvNotConfigured')
          : t('operator.keys.notSupported'),
    ],
    [t('operator.keys.alwaysUv'), yesNo(o.alwaysUv)],
    [
      t('operator.keys.enterpriseAttestation'),
      o.enterpriseAttestation === 'unsupported'
        ? t('operator.keys.notSupported')
        : yesNo(o.enterpriseAttestation === 'enabled'),
    ],
    [
      t('operator.keys.slotsLeft'),
      o.remainingDiscoverableCredentials === null
        ? t('operator.keys.unknown')
        : String(o.remainingDiscoverableCredentials),
    ],
    [
      t('operator.keys.options'),
      Object.entries(o.options)
        .map(([k, v]) => `${k}=${v ? 'on' : 'off'}`)
        .join(' '),
    ],
  ];
  const props: KeySectionProps = { deviceId, overview: o, pin, onChanged: changed };
  const needsPin = o.pin === 'set';

  return (
    <section className="ks-key-details" aria-labelledby="ks-key-title" data-testid="key-details">
      <h2 id="ks-key-title" className="ks-section-title">
        {o.model}
      </h2>
      {o.compromised ? (
        <Notice tone="warning">
          {t('operator.keys.compromisedModel', { status: o.mdsStatus ?? '' })}
        </Notice>
      ) : null}
      {o.forcePinChange ? <Notice tone="warning">{t('operator.keys.mustChangePin')}</Notice> : null}
      <dl className="ks-key-facts" data-testid="key-facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="ks-key-actions">
        {o.wink ? (
          <Button onClick={() => void api.keyManager.wink({ deviceId })}>
            {t('operator.keys.wink')}
          </Button>
        ) : null}
        <Button onClick={() => void load()}>{t('operator.keys.refresh')}</Button>
      </div>
      {needsPin ? (
        <TextField
          label={t('operator.keys.pinForPage')}
          hint={t('operator.keys.pinForPageHint')}
          type="password"
          autoComplete="off"
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          data-testid="key-pin"
        />
      ) : null}
      {error ? (
        <p className="ks-field__error" role="alert">
          {keyError(error)}
        </p>
      ) : null}
      <KeySettings {...props} />
      <KeyCredentials {...props} />
      {o.bioEnrollment !== 'none' ? <KeyFingerprints {...props} /> : null}
      <KeyReset {...props} />
    </section>
  );
}

/**
 * "Security keys" (docs/KEYS.md "Key manager"): every key plugged in, labelled by model,
 * firmware and a short index; "touch the key you want to use"; then one key's details and what
 * ykman / Yubico Authenticator do with it. The key's PIN is asked once on this page and kept in
 * this page's memory only.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ContractError, KeyChoiceView } from '../../../../../preload/contract';
import { useApi, useCall } from '../../../api/ApiProvider';
import { Button, Notice } from '../../../components';
import { VirtualKeyPanel } from '../../../flows/securityKey/VirtualKeyPanel';
import { useI18n } from '../../../i18n/I18nProvider';
import { ConsoleLayout } from '../ConsoleLayout';
import { KeyDetails } from './KeyDetails';
import { KeyMetadata } from './KeyMetadata';
import { useKeyError, useOperation } from './keyOperation';
import './keys.css';

export function SecurityKeysPage() {
  const api = useApi();
  const { t } = useI18n();
  const keyError = useKeyError();
  const [keys, setKeys] = useState<KeyChoiceView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  /** Bumped by a metadata import, so the key's details are read again with the new models. */
  const [generation, setGeneration] = useState(0);
  const choosing = useOperation();
  const { state: info } = useCall((a) => a.station.info({}), []);
  // Windows without elevation: the desktop app can start itself again as administrator.
  const { state: elevation } = useCall((a) => a.keyManager.elevation({}), []);
  const canRestart = elevation.status === 'ok' && elevation.value.canRestart;
  const needsAdministrator =
    error?.code === 'needs-administrator' ||
    (keys ?? []).some((k) => k.problem === 'needs-administrator');
  const demo = info.status === 'ok' && info.value.mode === 'demo';

  const refresh = useCallback(async () => {
    const r = await api.keyManager.keys({});
    if (r.ok) {
      setKeys(r.value.keys);
      setSelected((s) =>
        s && r.value.keys.some((k) => k.deviceId === s)
          ? s
          : r.value.keys.length === 1
            ? r.value.keys[0].deviceId
            : null,
      );
    } else setError(r.error);
  }, [api]);

  useEffect(() => {
    void refresh();
    const offIn = api.events.subscribe('key.inserted', () => void refresh());
    const offOut = api.events.subscribe('key.removed', () => void refresh());
    return () => {
      offIn();
      offOut();
    };
  }, [api, refresh]);

  async function touchToChoose() {
    setError(null);
    const r = await choosing.run((operationId) => api.keyManager.choose({ operationId }));
    if (r.ok) setSelected(r.value.deviceId);
    else setError(r.error);
  }

  const label = (k: KeyChoiceView) =>
    k.model
      ? t('operator.keys.label', { model: k.model, firmware: k.firmware ?? '', index: k.index })
      : t('operator.keys.labelUnreadable', { index: k.index });

  return (
    <ConsoleLayout title={t('operator.keys.title')} current="/operator/keys">
      <p className="ks-lead">{t('operator.keys.lead')}</p>
      {keys === null ? null : keys.length === 0 ? (
        <Notice tone="info">{t('operator.keys.insert')}</Notice>
      ) : (
        <section aria-labelledby="ks-keys-list" className="ks-keys-list">
          <h2 id="ks-keys-list" className="ks-section-title">
            {t('operator.keys.plugged', { count: keys.length })}
          </h2>
          <ul data-testid="key-list">
            {keys.map((k) => (
              <li key={k.deviceId}>
                <label className="ks-flow-check">
                  <input
                    type="radio"
                    name="key"
                    checked={selected === k.deviceId}
                    onChange={() => setSelected(k.deviceId)}
                  />
                  <span data-testid="key-label">{label(k)}</span>
                </label>
                {k.compromised ? (
                  <span className="ks-key-flag">{t('operator.keys.compromised')}</span>
                ) : null}
                {k.problem ? (
                  <p className="ks-field__error" data-testid="key-problem">
                    {keyError({
                      kind: k.problem.includes('.') ? 'station' : 'transport',
                      code: k.problem,
                    })}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          {keys.length > 1 ? (
            <div className="ks-keys-choose">
              <Button
                onClick={() => void touchToChoose()}
                unavailable={choosing.busy}
                data-testid="touch-to-choose"
              >
                {t('operator.keys.touchToChoose')}
              </Button>
              {choosing.busy ? (
                <p role="status" data-testid="choose-status">
                  {t('operator.keys.touchTheOne')}
                </p>
              ) : null}
            </div>
          ) : null}
        </section>
      )}
      {error ? (
        <p className="ks-field__error" role="alert" data-testid="keys-error">
          {keyError(error)}
        </p>
      ) : null}
      {needsAdministrator && canRestart ? (
        <div className="ks-keys-choose" data-testid="restart-as-administrator">
          <Button
            onClick={() =>
              void api.keyManager.restartAsAdministrator({}).then((r) => {
                if (!r.ok) setError(r.error);
              })
            }
          >
            {t('operator.keys.restartAsAdministrator')}
          </Button>
          <p className="ks-field__hint">{t('operator.keys.restartAsAdministratorHint')}</p>
        </div>
      ) : null}
      {selected && !keys?.find((k) => k.deviceId === selected)?.problem ? (
        <KeyDetails key={`${selected}-${generation}`} deviceId={selected} onChanged={refresh} />
      ) : null}
      {demo ? <VirtualKeyPanel deviceId={selected ?? undefined} /> : null}
      <KeyMetadata
        onImported={() => {
          setGeneration((g) => g + 1);
          void refresh();
        }}
      />
    </ConsoleLayout>
  );
}

/** Fingerprints: enroll sample by sample ("lift and touch again", n of N), list, rename, delete. */
import { useState } from 'react';
import type { FingerprintItem } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, TextField } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import type { KeySectionProps } from './KeyDetails';
import { useOutcome } from './KeySettings';
import { useOperation } from './keyOperation';

export function KeyFingerprints({ deviceId, pin, onChanged }: KeySectionProps) {
  const api = useApi();
  const { t, tDynamic } = useI18n();
  const outcome = useOutcome();
  const enrolling = useOperation();
  const [list, setList] = useState<FingerprintItem[] | null>(null);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const keyPin = pin || undefined;

  async function load() {
    await outcome.track(api.keyManager.fingerprints({ deviceId, pin: keyPin }), '', (v) =>
      setList(v.fingerprints),
    );
  }

  async function enroll() {
    const r = await enrolling.run((operationId) =>
      outcome.track(
        api.keyManager.enrollFingerprint({ deviceId, pin: keyPin, name, operationId }),
        t('operator.keys.fingerprintAdded'),
      ),
    );
    if (r.ok) {
      setName('');
      void load();
      onChanged();
    }
  }

  const p = enrolling.progress;
  const sample =
    p && p.step === 'sample'
      ? `${tDynamic(`operator.keys.feedback.${p.detail ?? ''}`, t('operator.keys.feedback.other'))} ${t(
          'operator.keys.sampleCount',
          { done: p.done ?? 0, total: p.total ?? 0 },
        )}`
      : null;

  return (
    <section className="ks-key-section" aria-labelledby="ks-key-fp">
      <h3 id="ks-key-fp">{t('operator.keys.fingerprints')}</h3>
      <Button onClick={() => void load()} data-testid="show-fingerprints">
        {t('operator.keys.showFingerprints')}
      </Button>
      {list ? (
        <ul data-testid="fingerprints">
          {list.length === 0 ? <li>{t('operator.keys.noFingerprints')}</li> : null}
          {list.map((f) => (
            <li key={f.templateId}>
              {renaming?.id === f.templateId ? (
                <form
                  className="ks-key-inline"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    const r = await outcome.track(
                      api.keyManager.renameFingerprint({
                        deviceId,
                        pin: keyPin,
                        templateId: f.templateId,
                        name: renaming.name,
                      }),
                      t('operator.keys.fingerprintRenamed'),
                    );
                    if (r.ok) {
                      setRenaming(null);
                      void load();
                    }
                  }}
                >
                  <TextField
                    label={t('operator.keys.fingerprintName')}
                    value={renaming.name}
                    onChange={(e) => setRenaming({ id: f.templateId, name: e.target.value })}
                  />
                  <Button type="submit">{t('operator.keys.save')}</Button>
                </form>
              ) : (
                <>
                  <span data-testid="fingerprint-name">{f.name ?? t('operator.keys.unnamed')}</span>{' '}
                  <Button onClick={() => setRenaming({ id: f.templateId, name: f.name ?? '' })}>
                    {t('operator.keys.rename')}
                  </Button>{' '}
                  <Button
                    onClick={async () => {
                      const r = await outcome.track(
                        api.keyManager.deleteFingerprint({
                          deviceId,
                          pin: keyPin,
                          templateId: f.templateId,
                        }),
                        t('operator.keys.fingerprintDeleted'),
                      );
                      if (r.ok) void load();
                    }}
                  >
                    {t('operator.keys.delete')}
                  </Button>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="ks-key-inline">
        <TextField
          label={t('operator.keys.fingerprintName')}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Button
          variant="primary"
          unavailable={enrolling.busy}
          onClick={() => void enroll()}
          data-testid="enroll-fingerprint"
        >
          {t('operator.keys.addFingerprint')}
        </Button>
        {enrolling.busy ? <Button onClick={enrolling.cancel}>{t('common.cancel')}</Button> : null}
      </div>
      {enrolling.busy ? (
        <p role="status" data-testid="fingerprint-status">
          {sample ?? t('operator.keys.touchSensor')}
        </p>
      ) : null}
      {outcome.view}
    </section>
  );
}

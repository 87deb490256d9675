import { useEffect, useId, useState, type ReactNode } from 'react';
import type { KeyDevice } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Icon } from '../../../components';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';
import { StepActions } from './StepActions';

/** "Insert your security key": the keys present now, live as they come and go. */
export function InsertStep({
  onChoose,
  cancelButton,
}: {
  onChoose(deviceId: string): void;
  cancelButton: ReactNode;
}) {
  const api = useApi();
  const { t } = useI18n();
  const [devices, setDevices] = useState<KeyDevice[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const groupName = useId();

  useEffect(() => {
    let live = true;
    const refresh = () =>
      void api.securityKey.devices({}).then((r) => {
        if (live && r.ok) setDevices(r.value.devices);
      });
    refresh();
    const offIn = api.events.subscribe('key.inserted', refresh);
    const offOut = api.events.subscribe('key.removed', refresh);
    // node-hid has no arrival events on every platform; main polls, we ask now and then too.
    const timer = setInterval(refresh, 3000);
    return () => {
      live = false;
      offIn();
      offOut();
      clearInterval(timer);
    };
  }, [api]);

  const list = devices ?? [];
  const selected =
    list.find((d) => d.deviceId === chosen)?.deviceId ??
    (list.length === 1 ? list[0].deviceId : null);
  const virtualCount = list.filter((d) => d.virtual).length;
  const label = (d: KeyDevice, i: number) =>
    d.virtual
      ? virtualCount > 1
        ? t('securityKey.insert.virtualKey', { number: i + 1 })
        : t('securityInfo.virtualKey')
      : (d.productName ?? t('securityKey.insert.unnamedKey'));
  const virtualIndex = (d: KeyDevice) => list.filter((x) => x.virtual).indexOf(d);

  return (
    <FlowStep
      title={t('securityKey.insert.title')}
      testId="security-key-insert"
      onSubmit={() => {
        if (selected) onChoose(selected);
      }}
      actions={
        <StepActions
          cancelButton={cancelButton}
          unavailable={!selected}
          disabledReason={t('securityKey.insert.noneYet')}
        />
      }
    >
      <div className="ks-key-insert">
        <span className="ks-key-insert__art" aria-hidden="true">
          <Icon name="key" size={56} />
        </span>
        <p>{t('securityKey.insert.body')}</p>
      </div>
      <div aria-live="polite" data-testid="security-key-devices">
        {devices === null ? null : list.length === 0 ? (
          <p className="ks-key-waiting">
            <span className="ks-spinner" aria-hidden="true" /> {t('securityKey.insert.waiting')}
          </p>
        ) : list.length === 1 ? (
          <p className="ks-key-found">
            <Icon name="key" />{' '}
            {t('securityKey.insert.found', { name: label(list[0], virtualIndex(list[0])) })}
          </p>
        ) : (
          <fieldset className="ks-key-choice">
            <legend>{t('securityKey.insert.choose', { count: list.length })}</legend>
            {list.map((d) => (
              <label key={d.deviceId} className="ks-key-choice__option">
                <input
                  type="radio"
                  name={groupName}
                  value={d.deviceId}
                  checked={selected === d.deviceId}
                  onChange={() => setChosen(d.deviceId)}
                />
                <span>{label(d, virtualIndex(d))}</span>
              </label>
            ))}
          </fieldset>
        )}
      </div>
    </FlowStep>
  );
}

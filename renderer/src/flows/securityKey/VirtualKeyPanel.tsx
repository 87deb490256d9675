/**
 * Demo mode only: the station's virtual key as a staff-training control panel (touch, refuse,
 * unplug, plug in, power cycle, touch mode, one more key). A production station refuses these
 * calls and never renders the panel.
 */
import { useEffect, useState } from 'react';
import type { VirtualKeyStatus } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';

export function VirtualKeyPanel({ deviceId }: { deviceId?: string }) {
  const api = useApi();
  const { t } = useI18n();
  const [keys, setKeys] = useState<VirtualKeyStatus[]>([]);

  useEffect(() => {
    let live = true;
    void api.virtualKey.list({}).then((r) => {
      if (live && r.ok) setKeys(r.value.keys);
    });
    const off = api.events.subscribe('virtualKey.changed', (e) => setKeys(e.keys));
    return () => {
      live = false;
      off();
    };
  }, [api]);

  const key = keys.find((k) => k.deviceId === deviceId) ?? keys[0];
  if (!key) return null;
  const target = { deviceId: key.deviceId };
  const name = t('securityKey.insert.virtualKey', { number: key.number });

  return (
    <details className="ks-virtual-panel" data-testid="virtual-key-panel">
      <summary>{t('virtualKey.title')}</summary>
      <p className="ks-muted">{t('virtualKey.explanation')}</p>
      <p data-testid="virtual-key-state">
        <strong>{name}:</strong>{' '}
        {[
          key.pluggedIn ? t('virtualKey.pluggedIn') : t('virtualKey.unplugged'),
          key.waitingForTouch ? t('virtualKey.waiting') : null,
          key.pinSet ? t('virtualKey.pinSet') : t('virtualKey.noPin'),
          key.mustChangePin ? t('securityKey.changePin.demoMustChange') : null,
          t('virtualKey.credentials', { count: key.credentialCount }),
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      <div className="ks-virtual-panel__buttons">
        <Button
          unavailable={!key.waitingForTouch}
          onClick={() => void api.virtualKey.touch(target)}
        >
          {t('virtualKey.touch')}
        </Button>
        <Button unavailable={!key.waitingForTouch} onClick={() => void api.virtualKey.deny(target)}>
          {t('virtualKey.deny')}
        </Button>
        {key.pluggedIn ? (
          <Button onClick={() => void api.virtualKey.unplug(target)} data-testid="virtual-unplug">
            {t('virtualKey.unplug')}
          </Button>
        ) : (
          <Button onClick={() => void api.virtualKey.plugIn(target)} data-testid="virtual-plug-in">
            {t('virtualKey.plugIn')}
          </Button>
        )}
        <Button
          onClick={() => void api.virtualKey.powerCycle(target)}
          data-testid="virtual-power-cycle"
        >
          {t('virtualKey.powerCycle')}
        </Button>
        <Button
          onClick={() => {
            if (window.confirm(t('virtualKey.resetConfirm'))) void api.virtualKey.reset(target);
          }}
          data-testid="virtual-reset"
        >
          {t('virtualKey.reset')}
        </Button>
        {/* Staff training: the key demands a new PIN, as after an operator-set PIN (DESIGN.md §2). */}
        <Button
          unavailable={!key.pinSet || key.mustChangePin}
          onClick={() => void api.virtualKey.forcePinChange(target)}
          data-testid="virtual-force-pin-change"
        >
          {t('securityKey.changePin.demoForce')}
        </Button>
        <Button onClick={() => void api.virtualKey.add({})} unavailable={keys.length >= 4}>
          {t('virtualKey.add')}
        </Button>
      </div>
      <label className="ks-flow-check">
        <input
          type="checkbox"
          checked={key.touchMode === 'auto'}
          onChange={(e) =>
            void api.virtualKey.setTouchMode({
              ...target,
              mode: e.target.checked ? 'auto' : 'manual',
            })
          }
        />
        {t('virtualKey.autoTouch')}
      </label>
    </details>
  );
}

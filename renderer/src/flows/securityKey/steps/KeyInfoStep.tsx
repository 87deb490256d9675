import type { ReactNode } from 'react';
import type { SecurityKeyStart } from '../../../../../preload/contract';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';
import { StepActions } from './StepActions';

/**
 * getInfo firmwareVersion (0x0E) is one vendor-defined integer; the common encoding (YubiKey,
 * the virtual key) is major/minor/patch in three bytes: 0x050403 → 5.4.3.
 */
function formatFirmware(firmware: string | null): string | null {
  if (firmware === null || !/^\d{1,10}$/.test(firmware)) return firmware;
  const n = Number(firmware);
  return n > 0xffff && n <= 0xffffff ? `${n >> 16}.${(n >> 8) & 0xff}.${n & 0xff}` : firmware;
}

/** getInfo versions (0x01) as people who know keys say them: "U2F, CTAP 2.0, CTAP 2.1". */
function formatVersions(versions: string[]): string {
  const names: Record<string, string> = {
    U2F_V2: 'U2F',
    FIDO_2_0: 'CTAP 2.0',
    FIDO_2_1_PRE: 'CTAP 2.1 (preview)',
    FIDO_2_1: 'CTAP 2.1',
    FIDO_2_2: 'CTAP 2.2',
  };
  // Unknown entries come from the key: shown as they are, but only short printable ones.
  return versions
    .filter((v) => /^[\x20-\x7e]{1,32}$/.test(v))
    .map((v) => names[v] ?? v)
    .join(', ');
}

export function KeyInfoStep({
  keyInfo,
  onNext,
  cancelButton,
}: {
  keyInfo: SecurityKeyStart;
  onNext(): void;
  cancelButton: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <FlowStep
      title={t('securityKey.info.title')}
      testId="security-key-info"
      onSubmit={onNext}
      actions={<StepActions cancelButton={cancelButton} />}
    >
      <dl className="ks-key-facts">
        <dt>{t('securityKey.info.model')}</dt>
        <dd data-testid="key-model">
          {keyInfo.isVirtual ? t('securityInfo.virtualKey') : keyInfo.model}
        </dd>
        <dt>{t('securityKey.info.firmware')}</dt>
        <dd>{formatFirmware(keyInfo.firmware) ?? t('securityKey.info.unknown')}</dd>
        <dt>{t('securityKey.info.standards')}</dt>
        <dd data-testid="key-standards">{formatVersions(keyInfo.versions)}</dd>
        <dt>{t('securityKey.info.pin')}</dt>
        <dd data-testid="key-pin-state">
          {keyInfo.mustChangePin ? (
            <strong className="ks-key-pin-must-change">
              {t('securityKey.info.pinMustChange')}
            </strong>
          ) : keyInfo.pinSet ? (
            t('securityKey.info.pinSetTries', { count: keyInfo.pinRetries ?? 0 })
          ) : (
            t('securityKey.info.pinNotSet')
          )}
        </dd>
      </dl>
      <p>
        {keyInfo.pinStep === 'set'
          ? t('securityKey.info.nextSetPin')
          : keyInfo.pinStep === 'change'
            ? t('securityKey.info.nextChangePin')
            : keyInfo.pinStep === 'verify'
              ? t('securityKey.info.nextEnterPin')
              : t('securityKey.info.nextTouch')}
      </p>
    </FlowStep>
  );
}

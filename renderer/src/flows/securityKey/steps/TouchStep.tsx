import type { ReactNode } from 'react';
import { useApi } from '../../../api/ApiProvider';
import { Button, Icon } from '../../../components';
import { FlowStep } from '../../../components/FlowParts';
import { useI18n } from '../../../i18n/I18nProvider';

/** What the running operation waits for: the key working, a touch, or touched. */
export type TouchState = 'working' | 'touchNeeded' | 'touched';

/** "Touch your security key": an animation plus a live region, driven by keepalive UPNEEDED. */
export function TouchStep({
  phase,
  touch,
  virtual,
  deviceId,
  notice,
  cancelButton,
}: {
  phase: 'register' | 'test';
  touch: TouchState;
  virtual: boolean;
  deviceId: string;
  /** What just succeeded before this step (e.g. "The PIN was changed."). */
  notice?: string | null;
  cancelButton: ReactNode;
}) {
  const api = useApi();
  const { t } = useI18n();
  const status =
    touch === 'touchNeeded'
      ? t('securityKey.touch.now')
      : touch === 'touched'
        ? t('securityKey.touch.touched')
        : t('securityKey.touch.working');
  return (
    <FlowStep
      title={phase === 'register' ? t('securityKey.touch.title') : t('securityKey.touch.testTitle')}
      testId={phase === 'register' ? 'security-key-touch' : 'security-key-test'}
      actions={cancelButton}
    >
      {notice ? (
        <p className="ks-notice ks-notice--success" data-testid="security-key-notice">
          {notice}
        </p>
      ) : null}
      <p>{phase === 'register' ? t('securityKey.touch.body') : t('securityKey.touch.testBody')}</p>
      <div className={`ks-touch ks-touch--${touch}`} aria-hidden="true">
        <span className="ks-touch__ring" />
        <span className="ks-touch__ring ks-touch__ring--late" />
        <span className="ks-touch__key">
          <Icon name="key" size={64} />
        </span>
      </div>
      <p className="ks-touch__status" role="status" aria-live="polite" data-testid="touch-status">
        {status}
      </p>
      {virtual && touch === 'touchNeeded' ? (
        <p className="ks-touch__demo">
          <Button
            variant="primary"
            data-testid="virtual-touch"
            onClick={() => void api.virtualKey.touch({ deviceId })}
          >
            {t('securityKey.touch.virtualTouch')}
          </Button>
        </p>
      ) : null}
    </FlowStep>
  );
}

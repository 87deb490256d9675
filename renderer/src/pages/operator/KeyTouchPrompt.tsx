import { useEffect, useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useAccess } from './access';

/**
 * "Touch your security key" while main waits for presence on `operationId` (CTAP keepalive).
 * On a demo station the virtual key is touched with a button, as in the security key flow.
 */
export function KeyTouchPrompt({ operationId, active }: { operationId: string; active: boolean }) {
  const api = useApi();
  const { t } = useI18n();
  const { status } = useAccess();
  const [touch, setTouch] = useState(false);
  useEffect(() => {
    if (!active) {
      setTouch(false);
      return;
    }
    return api.events.subscribe('key.keepalive', (e) => {
      if (e.operationId === operationId) setTouch(e.status === 'touchNeeded');
    });
  }, [api, operationId, active]);
  if (!active) return null;
  return (
    <div className="ks-op-touch-box">
      <p className="ks-op-touch" role="status" aria-live="polite" data-testid="operator-touch">
        <span className="ks-spinner" aria-hidden="true" />
        {touch ? t('operator.key.touch') : t('operator.key.working')}
      </p>
      {touch && status?.mode === 'demo' ? (
        <Button
          variant="primary"
          data-testid="operator-virtual-touch"
          onClick={() => void api.virtualKey.touch({})}
        >
          {t('securityKey.touch.virtualTouch')}
        </Button>
      ) : null}
    </div>
  );
}

import { useEffect, useState } from 'react';
import { useApi } from '../../api/ApiProvider';
import { useI18n } from '../../i18n/I18nProvider';

/** "Touch your security key" while main waits for presence on `operationId` (CTAP keepalive). */
export function KeyTouchPrompt({ operationId, active }: { operationId: string; active: boolean }) {
  const api = useApi();
  const { t } = useI18n();
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
    <p className="ks-op-touch" role="status" aria-live="polite">
      <span className="ks-spinner" aria-hidden="true" />
      {touch ? t('operator.key.touch') : t('operator.key.working')}
    </p>
  );
}

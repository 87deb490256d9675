/**
 * The code step shared by phone and email (SPEC §3.5–3.6): where the code went, the offline
 * outbox stated plainly, the demo outbox (demo stations only), the code field, or the
 * operator's in-person confirmation.
 */
import { useEffect, useState } from 'react';
import type { ContactOptions, DemoMessage } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Notice } from '../../components/Status';
import { useI18n } from '../../i18n/I18nProvider';

export function OfflineNotice({ options }: { options: ContactOptions }) {
  const { t } = useI18n();
  if (options.gateway !== 'outbox') return null;
  return (
    <Notice tone="info">
      <p className="ks-notice__title">{t('enroll.offline.title')}</p>
      <p>{t('enroll.offline.body')}</p>
    </Notice>
  );
}

/**
 * What the outbox recorded for this enrollment: on a demo station (training and tests need no
 * real phone) or for the signed-in operator at the desk of an offline station.
 */
export function DemoOutbox({ enrollmentId, demo }: { enrollmentId: string; demo: boolean }) {
  const api = useApi();
  const { t } = useI18n();
  const [message, setMessage] = useState<DemoMessage | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void api.enrollment.demoMessage({ enrollmentId }).then((r) => {
      if (live) setMessage(r.ok ? r.value : null);
    });
    return () => {
      live = false;
    };
  }, [api, enrollmentId]);
  if (message === undefined) return null;
  const title = demo ? t('enroll.demo.title') : t('enroll.demo.staffTitle');
  return (
    <section className="ks-demo-outbox" data-testid="demo-outbox" aria-label={title}>
      <p className="ks-demo-outbox__title">{title}</p>
      <p className="ks-demo-outbox__text" data-testid="demo-outbox-text">
        {message ? message.text : t('enroll.demo.none')}
      </p>
    </section>
  );
}

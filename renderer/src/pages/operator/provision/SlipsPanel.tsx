/**
 * The PIN slips of a finished run, handed over once (docs/PROVISIONING.md "PIN slips"): the
 * station makes the PDF when the operator asks and forgets the PINs; the PDF lives in this
 * page's memory only, to be saved now and printed from the PDF viewer (the station's content
 * policy allows no frames, so it is not shown inside the page). It cannot be made again.
 */
import { useEffect, useState } from 'react';
import type { BoardRunView, ContractError } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, Notice } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import { useErrorText } from '../access';
import { fileDate } from '../download';

export function SlipsPanel({ run, onTaken }: { run: BoardRunView; onTaken: () => void }) {
  const api = useApi();
  const { t, language } = useI18n();
  const errorText = useErrorText();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<ContractError | null>(null);

  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );

  async function take() {
    setError(null);
    const r = await api.provisioning.takeSlips({ language });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    const bytes = Uint8Array.from(atob(r.value.pdf), (c) => c.charCodeAt(0));
    setUrl(URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' })));
    onTaken();
  }

  return (
    <section aria-labelledby="ks-prov-slips" className="ks-prov-slips">
      <h3 id="ks-prov-slips">{t('operator.provision.slipsTitle')}</h3>
      {url ? (
        <>
          <Notice tone="warning">
            <span data-testid="slips-once">{t('operator.provision.slipsNow')}</span>
          </Notice>
          <div className="ks-toolbar">
            <a
              className="ks-button ks-button--primary"
              href={url}
              download={`pin-slips-${fileDate()}.pdf`}
              data-testid="slips-download"
            >
              {t('operator.provision.slipsDownload')}
            </a>
          </div>
          <p className="ks-muted">{t('operator.provision.slipsPrint')}</p>
        </>
      ) : run.slips === 'taken' ? (
        <Notice tone="info">
          <span data-testid="slips-gone">{t('operator.provision.slipsGone')}</span>
        </Notice>
      ) : run.slipCount === 0 ? (
        <p className="ks-muted">{t('operator.provision.slipsNone')}</p>
      ) : (
        <>
          <p>{t('operator.provision.slipsOnce', { count: run.slipCount })}</p>
          <Button variant="primary" onClick={() => void take()} data-testid="slips-take">
            {t('operator.provision.slipsTake', { count: run.slipCount })}
          </Button>
        </>
      )}
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
    </section>
  );
}

/** Temporary access pass: issue (lifetime, one-time or not), shown once with a slip, revoke. */
import { useState } from 'react';
import type { ContractError, IssuedPass, PassState } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';

const lifetimes = [60, 240, 480, 1440, 10080] as const;

function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
}

export function PassSlip({ issued, organization }: { issued: IssuedPass; organization: string }) {
  const { t, formatDateTime } = useI18n();
  return (
    <section className="ks-op-slip" aria-label={t('passes.slipTitle')} data-testid="pass-slip">
      <h2 className="ks-op-slip__title">{t('passes.slipTitle')}</h2>
      <p className="ks-op-slip__org">{organization}</p>
      <img className="ks-op-slip__qr" src={svgDataUrl(issued.qrSvg)} alt={t('passes.qrAlt')} />
      <dl>
        <dt>{t('passes.person')}</dt>
        <dd>
          {issued.displayName} ({issued.upn})
        </dd>
        <dt>{t('passes.code')}</dt>
        <dd className="ks-op-slip__code" data-testid="pass-code">
          {issued.pass}
        </dd>
        <dt>{t('passes.expires')}</dt>
        <dd>{formatDateTime(issued.expiresAt)}</dd>
        <dt>{t('passes.use')}</dt>
        <dd>{issued.oneTime ? t('passes.oneTime') : t('passes.multiUse')}</dd>
      </dl>
      <p className="ks-op-slip__how">{t('passes.slipHow')}</p>
    </section>
  );
}

/**
 * After issuing, the slip is the whole panel: printing it is the primary action and "Done" puts
 * it away; issuing again is not offered until then. With a pass already out, a new one is a
 * secondary action that asks first, because it silently ends the pass on the slip just handed
 * over.
 */
export function PassPanel({
  personId,
  pass,
  organization,
  onChange,
}: {
  personId: string;
  pass: PassState | null;
  organization: string;
  onChange: () => void;
}) {
  const api = useApi();
  const { t, formatDateTime } = useI18n();
  const errorText = useErrorText();
  const [lifetime, setLifetime] = useState<number>(480);
  const [oneTime, setOneTime] = useState(true);
  const [issued, setIssued] = useState<IssuedPass | null>(null);
  const [confirmReplace, setConfirmReplace] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  async function issue() {
    setError(null);
    setConfirmReplace(false);
    const r = await api.passes.issue({ personId, lifetimeMinutes: lifetime, oneTime });
    if (r.ok) setIssued(r.value);
    else setError(r.error);
    onChange();
  }

  async function revoke() {
    setError(null);
    setIssued(null);
    setConfirmReplace(false);
    const r = await api.passes.revoke({ personId });
    if (!r.ok) setError(r.error);
    onChange();
  }

  const state = pass
    ? pass.used
      ? t('passes.stateUsed')
      : pass.expired
        ? t('passes.stateExpired')
        : t('passes.stateValid', { expires: formatDateTime(pass.expiresAt) })
    : t('passes.stateNone');
  // A pass that can still be used: a new one replaces it, so ask first.
  const live = pass !== null && !pass.used && !pass.expired;

  return (
    <section className="ks-op-card" aria-labelledby="pass-title">
      <h2 id="pass-title" className="ks-section-title">
        {t('passes.title')}
      </h2>
      {issued ? (
        <div className="ks-op-issued">
          <p className="ks-notice ks-notice--warning">{t('passes.shownOnce')}</p>
          <PassSlip issued={issued} organization={organization} />
          <div className="ks-toolbar">
            <Button variant="primary" onClick={() => window.print()}>
              {t('passes.print')}
            </Button>
            <Button onClick={() => setIssued(null)} data-testid="pass-done">
              {t('passes.hide')}
            </Button>
            <Button variant="danger" onClick={() => void revoke()}>
              {t('passes.revoke')}
            </Button>
          </div>
        </div>
      ) : (
        <>
          <p data-testid="pass-state">{state}</p>
          <div className="ks-op-filters">
            <label className="ks-select">
              <span className="ks-select__label">{t('passes.lifetime')}</span>
              <select value={lifetime} onChange={(e) => setLifetime(Number(e.target.value))}>
                {lifetimes.map((m) => (
                  <option key={m} value={m}>
                    {t(`passes.lifetimes.m${m}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="ks-op-check">
              <input
                type="checkbox"
                checked={oneTime}
                onChange={(e) => setOneTime(e.target.checked)}
              />
              {t('passes.oneTimeLabel')}
            </label>
            {live ? (
              <Button onClick={() => setConfirmReplace(true)} aria-expanded={confirmReplace}>
                {t('passes.reissue')}
              </Button>
            ) : (
              <Button variant="primary" onClick={() => void issue()}>
                {pass ? t('passes.issueNew') : t('passes.issue')}
              </Button>
            )}
            {pass ? (
              <Button variant="danger" onClick={() => void revoke()}>
                {t('passes.revoke')}
              </Button>
            ) : null}
          </div>
          {confirmReplace ? (
            <div
              className="ks-notice ks-notice--warning"
              role="group"
              aria-label={t('passes.reissue')}
              data-testid="pass-replace-confirm"
            >
              <p>{t('passes.replaceWarning')}</p>
              <div className="ks-toolbar">
                <Button onClick={() => setConfirmReplace(false)}>{t('common.cancel')}</Button>
                <Button variant="danger" onClick={() => void issue()}>
                  {t('passes.replaceConfirm')}
                </Button>
              </div>
            </div>
          ) : null}
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

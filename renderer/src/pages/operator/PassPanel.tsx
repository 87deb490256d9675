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
  const [error, setError] = useState<ContractError | null>(null);

  async function issue() {
    setError(null);
    const r = await api.passes.issue({ personId, lifetimeMinutes: lifetime, oneTime });
    if (r.ok) setIssued(r.value);
    else setError(r.error);
    onChange();
  }

  async function revoke() {
    setError(null);
    setIssued(null);
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

  return (
    <section className="ks-op-card" aria-labelledby="pass-title">
      <h2 id="pass-title" className="ks-section-title">
        {t('passes.title')}
      </h2>
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
          <input type="checkbox" checked={oneTime} onChange={(e) => setOneTime(e.target.checked)} />
          {t('passes.oneTimeLabel')}
        </label>
        <Button variant="primary" onClick={() => void issue()}>
          {pass ? t('passes.reissue') : t('passes.issue')}
        </Button>
        {pass ? (
          <Button variant="danger" onClick={() => void revoke()}>
            {t('passes.revoke')}
          </Button>
        ) : null}
      </div>
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      {issued ? (
        <div className="ks-op-issued">
          <p className="ks-notice ks-notice--warning">{t('passes.shownOnce')}</p>
          <PassSlip issued={issued} organization={organization} />
          <div className="ks-toolbar">
            <Button onClick={() => window.print()}>{t('passes.print')}</Button>
            <Button onClick={() => setIssued(null)}>{t('passes.hide')}</Button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

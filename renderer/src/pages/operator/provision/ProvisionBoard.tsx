/**
 * The live board of a provisioning run: one row per key (person, step, touch prompt, result,
 * whether the key had authenticatorConfig) and the run's people with their results. In demo
 * mode each virtual key's row has the trainee's controls (touch, unplug, plug in).
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { BoardKeyView, BoardRunView } from '../../../../../preload/contract';
import { useApi } from '../../../api/ApiProvider';
import { Button, Notice } from '../../../components';
import { useI18n } from '../../../i18n/I18nProvider';
import { useReasonText } from './reasons';

/** Ticks once a second while some key counts down its power-up window. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

const countdownSteps = new Set(['reset', 'reinsert']);

function KeyRow({
  k,
  now,
  windowSeconds,
  demo,
}: {
  k: BoardKeyView;
  now: number;
  windowSeconds: number;
  demo: boolean;
}) {
  const api = useApi();
  const { t, tDynamic } = useI18n();
  const reason = useReasonText();
  const name = k.virtual
    ? t('securityKey.insert.virtualKey', { number: k.number })
    : t('operator.provision.keyN', { number: k.number });
  const left = Math.max(0, Math.ceil(windowSeconds - (now - Date.parse(k.insertedAt)) / 1000));
  const step = k.touch
    ? t('operator.provision.touchNow')
    : tDynamic(`operator.provision.steps.${k.step}`, k.step);
  const result =
    k.step === 'remove' || k.step === 'done'
      ? k.keyConfig === 'unsupported'
        ? t('operator.provision.noAuthenticatorConfig')
        : t('operator.provision.keyDone')
      : k.reason
        ? reason(k.reason)
        : '';
  return (
    <tr data-testid="board-key" data-device={k.deviceId} data-step={k.step}>
      <th scope="row">
        {name}
        {k.model ? <div className="ks-muted">{k.model}</div> : null}
        {k.authenticatorConfig === false ? (
          <div className="ks-muted" data-testid="board-no-config">
            {t('operator.provision.keyNoConfig')}
          </div>
        ) : null}
        {!k.present ? <div className="ks-muted">{t('operator.provision.removed')}</div> : null}
      </th>
      <td data-testid="board-person">
        {k.displayName ? (
          <>
            {k.displayName}
            <div className="ks-muted">{k.upn}</div>
          </>
        ) : (
          ''
        )}
      </td>
      <td>
        <span
          className={`ks-prov-step${k.touch ? ' ks-prov-step--touch' : ''}`}
          data-testid="board-step"
          role={k.touch ? 'status' : undefined}
        >
          {step}
        </span>
        {countdownSteps.has(k.step) && k.present ? (
          <div className="ks-muted" data-testid="board-countdown">
            {left > 0
              ? t('operator.provision.resetWindow', { seconds: left })
              : t('operator.provision.resetWindowOver')}
          </div>
        ) : null}
      </td>
      <td data-testid="board-result">
        {result}
        {k.provisioned ? (
          <div className="ks-muted">
            {t('operator.provision.keyCount', { count: k.provisioned })}
          </div>
        ) : null}
      </td>
      {demo ? (
        <td className="ks-prov-demo">
          {k.virtual ? (
            <>
              <Button
                unavailable={!k.touch}
                onClick={() => void api.virtualKey.touch({ deviceId: k.deviceId })}
                data-testid="demo-touch"
              >
                {t('virtualKey.touch')}
              </Button>
              {k.present ? (
                <Button
                  onClick={() => void api.virtualKey.unplug({ deviceId: k.deviceId })}
                  data-testid="demo-unplug"
                >
                  {t('virtualKey.unplug')}
                </Button>
              ) : (
                <Button
                  onClick={() => void api.virtualKey.plugIn({ deviceId: k.deviceId })}
                  data-testid="demo-plug-in"
                >
                  {t('virtualKey.plugIn')}
                </Button>
              )}
            </>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

export function ProvisionBoard({
  run,
  resetWindowSeconds,
  demo,
  children,
}: {
  run: BoardRunView;
  resetWindowSeconds: number;
  demo: boolean;
  children?: ReactNode;
}) {
  const api = useApi();
  const { t } = useI18n();
  const reason = useReasonText();
  const counting = run.keys.some((k) => countdownSteps.has(k.step) && k.present);
  const now = useNow(counting);
  const c = run.counts;
  const unsupported = run.keys.filter((k) => k.authenticatorConfig === false);

  return (
    <section aria-labelledby="ks-prov-board" className="ks-prov-section" data-testid="board">
      <h2 id="ks-prov-board" className="ks-section-title">
        {run.state === 'finished'
          ? t('operator.provision.boardFinished')
          : t('operator.provision.boardTitle')}
      </h2>
      <p data-testid="board-counts" aria-live="polite">
        {t('operator.provision.counts', {
          done: c.done,
          total: c.queued + c.active + c.registered + c.done + c.failed,
          queued: c.queued,
          failed: c.failed,
        })}
      </p>
      {run.state !== 'finished' ? (
        <Notice tone="info">
          <span>{t('operator.provision.plugKeys')}</span>
        </Notice>
      ) : null}
      {run.keys.length ? (
        <table className="ks-op-table ks-prov-board" data-testid="board-keys">
          <caption className="ks-muted">{t('operator.provision.keysCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('operator.provision.key')}</th>
              <th scope="col">{t('operator.provision.person')}</th>
              <th scope="col">{t('operator.provision.step')}</th>
              <th scope="col">{t('operator.provision.result')}</th>
              {demo ? <th scope="col">{t('operator.provision.demo')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {run.keys.map((k) => (
              <KeyRow
                key={k.deviceId}
                k={k}
                now={now}
                windowSeconds={resetWindowSeconds}
                demo={demo}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {unsupported.length ? (
        <Notice tone="warning">
          <span data-testid="board-unsupported">
            {t('operator.provision.unsupportedKeys', { count: unsupported.length })}
          </span>
        </Notice>
      ) : null}
      {demo && run.state !== 'finished' ? (
        <div className="ks-toolbar">
          <Button onClick={() => void api.virtualKey.add({})} data-testid="demo-add-key">
            {t('virtualKey.add')}
          </Button>
        </div>
      ) : null}
      {run.state !== 'finished' ? (
        <div className="ks-toolbar">
          <Button
            onClick={() => void api.provisioning.end({})}
            unavailable={run.state === 'ending'}
            data-testid="end-run"
          >
            {run.state === 'ending' ? t('operator.provision.ending') : t('operator.provision.end')}
          </Button>
        </div>
      ) : null}
      {children}
      <table className="ks-op-table" data-testid="board-people">
        <caption className="ks-muted">{t('operator.provision.peopleCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('operator.roster.displayName')}</th>
            <th scope="col">{t('operator.roster.upn')}</th>
            <th scope="col">{t('operator.provision.result')}</th>
            <th scope="col">{t('operator.provision.keyModel')}</th>
          </tr>
        </thead>
        <tbody>
          {run.people.map((p) => (
            <tr key={p.upn} data-testid="board-person-row" data-state={p.state}>
              <th scope="row">{p.displayName}</th>
              <td>{p.upn}</td>
              <td>
                {t(`operator.provision.states.${p.state}`)}
                {p.reason && p.state !== 'done' ? (
                  <div className="ks-muted">{reason(p.reason)}</div>
                ) : null}
                {p.state === 'done' && p.keyConfig === 'unsupported' ? (
                  <div className="ks-muted">{t('operator.provision.noAuthenticatorConfig')}</div>
                ) : null}
              </td>
              <td>{p.model ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Authenticator app (DESIGN.md §3.4, §1): get the app → set up your account → scan the QR code
 * (or "Can't scan the QR code?": secret, account and issuer) → enter the code → done.
 */
import { useEffect, useState } from 'react';
import type {
  AppStoreLink,
  AuthenticatorAppSetup,
  MethodSummary,
} from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components/Button';
import {
  cleanCode,
  CodeField,
  FlowActions,
  FlowDoneStep,
  FlowError,
  FlowStep,
  FlowSubmit,
} from '../../components/FlowParts';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { mustStartOver, useEnrollmentCall, useFlowCompletion } from '../common/useEnrollment';

type Step = 'getApp' | 'setup' | 'scan' | 'verify' | 'done';

export function AuthenticatorAppFlow({ person, onDone }: FlowProps) {
  const api = useApi();
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('getApp');
  const [anyApp, setAnyApp] = useState(false);
  const [setup, setSetup] = useState<AuthenticatorAppSetup | null>(null);
  const [showManual, setShowManual] = useState(false);
  const [code, setCode] = useState('');
  // The person's own name for the app, as a key is named: several apps never read the same.
  const [name, setName] = useState('');
  const { busy, error, setError, run } = useEnrollmentCall();
  const [added, setAdded] = useState<MethodSummary | null>(null);
  // Closing the flow midway forgets the pending secret in main.
  const completion = useFlowCompletion(
    onDone,
    (enrollmentId) => void api.enrollment.appCancel({ enrollmentId }),
  );

  const begin = async () => {
    const r = await run(() => api.enrollment.appBegin({ personId: person.id }));
    if (!r.ok) return;
    completion.started(r.value.enrollmentId);
    setShowManual(false);
    setSetup(r.value);
    setStep('setup');
  };

  const verify = async () => {
    if (!setup) return;
    const typed = cleanCode(code);
    if (typed.length !== setup.manual.digits) {
      setError({
        kind: 'validation',
        code: 'codeFormat',
        params: { digits: setup.manual.digits },
      });
      return;
    }
    const r = await run(() =>
      api.enrollment.appComplete({
        enrollmentId: setup.enrollmentId,
        code: typed,
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    );
    if (!r.ok) {
      setCode('');
      // Too many attempts or expired: the secret is gone; the person starts again.
      if (mustStartOver(r.error)) {
        completion.dropped();
        setSetup(null);
        setStep('getApp');
      }
      return;
    }
    completion.added();
    setAdded(r.value);
    setStep('done');
  };

  // Errors a retry can't fix (the limit of five, a method the organization doesn't allow):
  // the message says what to do instead, and the only way on is to close.
  const blocked =
    error !== null &&
    ['method.limitReached', 'method.notAllowed', 'person.disabled', 'session.forbidden'].includes(
      error.code,
    );

  switch (step) {
    case 'getApp':
      return (
        <FlowStep
          testId="app-step-get-app"
          title={t('authApp.getApp.heading')}
          onSubmit={() => {
            if (!blocked) void begin();
          }}
          actions={
            blocked ? (
              <Button variant="primary" onClick={() => onDone(false)}>
                {t('common.close')}
              </Button>
            ) : (
              <FlowActions onDone={onDone} busy={busy} submit={t('common.next')} />
            )
          }
        >
          <FlowError error={error} />
          {blocked ? null : anyApp ? (
            <p>{t('authApp.getApp.anyAppBody')}</p>
          ) : (
            <>
              <p>{t('authApp.getApp.body')}</p>
              <AppDownload />
              <p>
                <Button variant="link" onClick={() => setAnyApp(true)}>
                  {t('authApp.getApp.differentApp')}
                </Button>
              </p>
            </>
          )}
        </FlowStep>
      );
    case 'setup':
      return (
        <FlowStep
          testId="app-step-setup"
          title={t('authApp.setup.heading')}
          onSubmit={() => setStep('scan')}
          actions={<FlowActions onDone={onDone} busy={busy} submit={t('common.next')} />}
        >
          <p>{anyApp ? t('authApp.setup.anyAppBody') : t('authApp.setup.body')}</p>
        </FlowStep>
      );
    case 'scan':
      return setup ? (
        <FlowStep
          testId="app-step-scan"
          title={t('authApp.scan.heading')}
          onSubmit={() => {
            setError(null);
            setStep('verify');
          }}
          actions={
            <>
              <Button onClick={() => setStep('setup')}>{t('common.back')}</Button>
              <FlowSubmit>{t('common.next')}</FlowSubmit>
            </>
          }
        >
          <p>{showManual ? t('authApp.scan.manualBody') : t('authApp.scan.body')}</p>
          {showManual ? null : (
            <div className="ks-qr">
              <img src={setup.qrImage} alt={t('authApp.scan.qrAlt')} width={280} height={280} />
            </div>
          )}
          <p>
            <Button
              variant="link"
              aria-expanded={showManual}
              aria-controls="ks-app-manual"
              onClick={() => setShowManual((v) => !v)}
            >
              {showManual ? t('authApp.scan.hideManual') : t('authApp.scan.cantScan')}
            </Button>
          </p>
          {showManual ? (
            <div className="ks-manual-entry" id="ks-app-manual" data-testid="app-manual">
              <p>{t('authApp.scan.manualIntro')}</p>
              <dl>
                <dt>{t('authApp.scan.secret')}</dt>
                <dd className="ks-secret" data-testid="app-secret">
                  {setup.manual.secret}
                </dd>
                <dt>{t('authApp.scan.account')}</dt>
                <dd data-testid="app-account">{setup.manual.account}</dd>
                <dt>{t('authApp.scan.issuer')}</dt>
                <dd data-testid="app-issuer">{setup.manual.issuer}</dd>
              </dl>
              <p className="ks-muted">
                {t('authApp.scan.details', {
                  digits: setup.manual.digits,
                  period: setup.manual.period,
                  algorithm: setup.manual.algorithm,
                })}
              </p>
            </div>
          ) : null}
        </FlowStep>
      ) : null;
    case 'verify':
      return setup ? (
        <FlowStep
          testId="app-step-verify"
          title={t('authApp.verify.heading')}
          onSubmit={() => void verify()}
          actions={
            <>
              <Button onClick={() => setStep('scan')} disabled={busy}>
                {t('common.back')}
              </Button>
              <FlowSubmit busy={busy}>{t('enroll.verify')}</FlowSubmit>
            </>
          }
        >
          <p>{t('authApp.verify.body', { digits: setup.manual.digits })}</p>
          <CodeField
            label={t('authApp.verify.codeLabel')}
            value={code}
            onChange={setCode}
            digits={setup.manual.digits}
          />
          <TextField
            label={t('authApp.name.label')}
            hint={t('authApp.name.hint')}
            value={name}
            maxLength={64}
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            data-testid="app-name"
          />
          <FlowError error={error} />
        </FlowStep>
      ) : null;
    case 'done':
      return (
        <FlowDoneStep
          testId="app-step-done"
          title={t('authApp.success.heading')}
          onDone={completion.report}
        >
          {added?.name ? <p>{t('authApp.success.named', { name: added.name })}</p> : null}
          <p>{added?.isDefault ? t('authApp.success.default') : t('authApp.success.body')}</p>
        </FlowDoneStep>
      );
  }
}

/** "Ladda ned nu": a QR code per app store for the phone's camera, and the address in words. */
function AppDownload() {
  const api = useApi();
  const { t } = useI18n();
  const [links, setLinks] = useState<AppStoreLink[] | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open || links) return;
    let live = true;
    void api.enrollment.appDownload({}).then((r) => {
      if (live) setLinks(r.ok ? r.value : []);
    });
    return () => {
      live = false;
    };
  }, [api, open, links]);
  return (
    <div className="ks-app-download">
      <Button
        aria-expanded={open}
        aria-controls="ks-app-stores"
        onClick={() => setOpen((v) => !v)}
        data-testid="app-download-now"
      >
        {t('authApp.getApp.downloadNow')}
      </Button>
      {open ? (
        <div id="ks-app-stores" data-testid="app-stores">
          <p>{t('authApp.getApp.storesBody')}</p>
          {links === null ? null : (
            <ul className="ks-app-stores">
              {links.map((l) => {
                const store = t(`authApp.getApp.store.${l.store}`);
                return (
                  <li key={l.store} data-store={l.store}>
                    <img
                      src={l.qrImage}
                      alt={t('authApp.getApp.storeQrAlt', { store })}
                      width={160}
                      height={160}
                    />
                    <span className="ks-app-stores__name">{store}</span>
                    <span className="ks-app-stores__url">{l.url}</span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}

/**
 * Kiosk mode in the renderer (DESIGN.md §3.8): welcome → UPN + temporary access pass → the
 * person's registration (the wizard) → done → the station forgets the session and starts
 * over. Idle: a warning, then the same forgetting. An operator's key or password leaves kiosk
 * mode. "Forgetting" is done twice: main clears the station session (so no contract call
 * reaches the person's data any more), then the renderer starts over from scratch (every
 * provider and page remounted: no renderer state survives; no history entry leads back: the
 * kiosk ignores the address and shows what main says).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AccessStatus, ContractError } from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button, Dialog, PageLayout, TextField } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useAccess, useErrorText, useIdleTimer } from '../operator/access';
import { OperatorSignIn } from '../operator/OperatorSignIn';
import { SecurityInfoPage } from '../SecurityInfoPage';
import { Wizard } from '../WizardPage';
import { ErrorNotice, Loading } from '../../components';
import { useCall } from '../../api/ApiProvider';
import '../operator/operator.css';
import { CantAccessAccount } from '../reset/CantAccessAccount';
import { restartApp } from '../../restart';

/** Start over: nothing of the previous person survives in the renderer (restart.ts). */
export function restartKiosk(): void {
  try {
    sessionStorage.clear();
  } catch {
    // storage may be unavailable; nothing to clear then
  }
  window.history.replaceState(null, '', `${window.location.pathname}#/`);
  restartApp();
}

function Welcome({ onUnlock }: { onUnlock: () => void }) {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const { set } = useAccess();
  const [other, setOther] = useState<'reset' | 'signIn' | null>(null);
  const [upn, setUpn] = useState('');
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !upn.trim() || !pass) return;
    setBusy(true);
    setError(null);
    const r = await api.kiosk.signIn({ upn: upn.trim(), pass });
    setBusy(false);
    setPass('');
    if (r.ok) set(r.value);
    else setError(r.error);
  }

  if (other)
    return (
      <PageLayout title={other === 'reset' ? t('reset.title') : t('reset.signInTitle')}>
        <CantAccessAccount purpose={other} onClose={() => setOther(null)} onSignedIn={set} />
      </PageLayout>
    );
  return (
    <PageLayout title={t('kiosk.welcome.title')}>
      <div className="ks-kiosk">
        <p className="ks-lead">{t('kiosk.welcome.intro')}</p>
        <form className="ks-op-form ks-kiosk__form" onSubmit={(e) => void submit(e)}>
          <TextField
            label={t('kiosk.welcome.upn')}
            value={upn}
            autoComplete="off"
            spellCheck={false}
            maxLength={256}
            onChange={(e) => setUpn(e.target.value)}
          />
          <TextField
            label={t('kiosk.welcome.pass')}
            hint={t('kiosk.welcome.passHint')}
            reveal={t('kiosk.welcome.showPass')}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            maxLength={64}
            value={pass}
            onChange={(e) => setPass(e.target.value)}
          />
          {error ? (
            <p className="ks-field__error" role="alert" data-testid="kiosk-error">
              {errorText(error)}
            </p>
          ) : null}
          <Button type="submit" variant="primary" unavailable={busy}>
            {t('kiosk.welcome.submit')}
          </Button>
        </form>
        <p className="ks-kiosk__other">
          <Button variant="link" onClick={() => setOther('signIn')}>
            {t('reset.signInLink')}
          </Button>
          <Button variant="link" onClick={() => setOther('reset')}>
            {t('reset.link')}
          </Button>
        </p>
        <p className="ks-kiosk__operator">
          <Button variant="link" onClick={onUnlock}>
            {t('kiosk.unlock.open')}
          </Button>
        </p>
      </div>
    </PageLayout>
  );
}

function Done() {
  const { t } = useI18n();
  useEffect(() => {
    const timer = setTimeout(restartKiosk, 8000);
    return () => clearTimeout(timer);
  }, []);
  return (
    <PageLayout title={t('kiosk.done.title')}>
      <div className="ks-kiosk">
        <p className="ks-lead">{t('kiosk.done.body')}</p>
        <Button variant="primary" onClick={restartKiosk}>
          {t('kiosk.done.next')}
        </Button>
      </div>
    </PageLayout>
  );
}

function PersonSession({
  status,
  onFinish,
}: {
  status: AccessStatus;
  onFinish: (reason: 'done' | 'idle' | 'cancel') => void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const lastPing = useRef(0);
  const stillHere = useCallback(() => {
    const now = Date.now();
    if (now - lastPing.current < 5000) return;
    lastPing.current = now;
    void api.kiosk.stillHere({});
  }, [api]);
  const { remaining, reset } = useIdleTimer(status.kioskIdleSeconds, () => onFinish('idle'), {
    warnSeconds: status.kioskWarningSeconds,
    onActivity: stillHere,
  });
  const person = status.person;
  if (!person) return null;
  return (
    <>
      <div className="ks-kiosk-bar" role="region" aria-label={t('kiosk.session.label')}>
        <span data-testid="kiosk-person">
          {t('kiosk.session.hello', { name: person.displayName })}
        </span>
        <Button variant="primary" onClick={() => onFinish('done')}>
          {t('kiosk.session.done')}
        </Button>
      </div>
      <KioskRegistration personId={person.id} onDone={() => onFinish('done')} />
      <Dialog
        open={remaining !== null}
        title={t('kiosk.idle.title')}
        onClose={reset}
        actions={
          <Button variant="primary" onClick={reset}>
            {t('kiosk.idle.stay')}
          </Button>
        }
      >
        <p data-testid="kiosk-idle-warning">{t('kiosk.idle.body', { seconds: remaining ?? 0 })}</p>
      </Dialog>
    </>
  );
}

/**
 * The person's part: the "Keep your account secure" wizard while registration is incomplete
 * (no "set up later" at a kiosk), their security info page once it is complete.
 */
function KioskRegistration({ personId, onDone }: { personId: string; onDone: () => void }) {
  const { t } = useI18n();
  const { state, reload } = useCall((a) => a.securityInfo.get({ personId }), [personId]);
  const [wizardDone, setWizardDone] = useState(false);
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorNotice error={state.error} onRetry={reload} />;
  if (state.value.registration.complete || wizardDone) {
    return <SecurityInfoPage personId={personId} />;
  }
  return (
    <PageLayout title={t('wizard.title')}>
      <Wizard
        person={state.value.person}
        methodsBefore={state.value.methods}
        allowLater={false}
        onExit={() => {
          setWizardDone(true);
          onDone();
        }}
      />
    </PageLayout>
  );
}

export function KioskApp() {
  const api = useApi();
  const { t } = useI18n();
  const { status, set } = useAccess();
  const [view, setView] = useState<'main' | 'unlock' | 'done'>('main');
  // The server ended the person's session by itself (idle expiry): start over from scratch.
  const wasPerson = useRef(false);
  useEffect(() => {
    const isPerson = status?.role === 'person';
    if (wasPerson.current && !isPerson && view !== 'done') restartKiosk();
    wasPerson.current = isPerson;
  }, [status, view]);

  const finish = useCallback(
    (reason: 'done' | 'idle' | 'cancel') => {
      void api.kiosk.finish({ reason }).then((r) => {
        if (reason === 'done') {
          if (r.ok) set(r.value);
          setView('done');
        } else restartKiosk();
      });
    },
    [api, set],
  );

  if (view === 'done') return <Done />;
  if (view === 'unlock') {
    return (
      <PageLayout title={t('kiosk.unlock.title')}>
        <div className="ks-kiosk">
          <OperatorSignIn
            purpose="unlock"
            onDone={() => {
              window.location.hash = '#/operator';
            }}
          />
          <Button variant="link" onClick={() => setView('main')}>
            {t('common.back')}
          </Button>
        </div>
      </PageLayout>
    );
  }
  if (status?.role === 'person') return <PersonSession status={status} onFinish={finish} />;
  return <Welcome onUnlock={() => setView('unlock')} />;
}

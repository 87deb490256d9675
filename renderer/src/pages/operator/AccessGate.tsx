/**
 * What the station shows for who it serves (DESIGN.md §3.7–3.8): the kiosk when kiosk mode is on
 * (whatever the address says), operator sign-in when nobody is signed in, the app otherwise.
 * Before first run a demo station (`--demo`) is an open demo with a "set up" banner; a
 * production station shows only its first-run page (main answers nothing else either).
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { CantAccessAccount } from '../reset/CantAccessAccount';
import { useApi } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading, PageLayout } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useRoute } from '../../router';
import { FirstRunPage } from '../../lazyPages';
import { KioskApp } from '../kiosk/KioskApp';
import { useAccess, useIdleTimer } from './access';
import { OperatorSignIn } from './OperatorSignIn';
import './operator.css';

function OperatorIdleLock({ seconds, children }: { seconds: number; children: ReactNode }) {
  const api = useApi();
  const { set } = useAccess();
  // Input the server never sees (reading, typing a long form) still counts as activity there.
  const lastPing = useRef(0);
  const stillHere = useCallback(() => {
    const now = Date.now();
    if (now - lastPing.current < 30_000) return;
    lastPing.current = now;
    void api.kiosk.stillHere({});
  }, [api]);
  useIdleTimer(
    seconds,
    () => {
      void api.operator.signOut({ reason: 'idle' }).then((r) => {
        if (r.ok) set(r.value);
      });
    },
    { onActivity: stillHere },
  );
  return <>{children}</>;
}

export function OperatorSignInPage() {
  const { t } = useI18n();
  const [reset, setReset] = useState(false);
  if (reset)
    return (
      <PageLayout title={t('reset.title')}>
        <CantAccessAccount purpose="reset" onClose={() => setReset(false)} />
      </PageLayout>
    );
  return (
    <PageLayout title={t('operator.signIn.title')}>
      <p className="ks-lead">{t('operator.signIn.intro')}</p>
      <OperatorSignIn
        purpose="signIn"
        onDone={() => {
          // The console's overview is the operator's start page; a deep link is kept.
          if (window.location.hash === '' || window.location.hash === '#/') {
            window.location.hash = '#/operator';
          }
        }}
      />
      <p>
        <Button variant="link" onClick={() => setReset(true)}>
          {t('reset.link')}
        </Button>
      </p>
    </PageLayout>
  );
}

export function AccessGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { status, error, refresh } = useAccess();
  const route = useRoute();
  const locked = status !== null && !status.firstRunComplete && status.mode === 'production';
  useEffect(() => {
    // Keeps the address on first run, so the key step follows setup there.
    if (locked && route.name !== 'firstRun') window.location.hash = '#/first-run';
  }, [locked, route.name]);
  if (!status) {
    return error ? <ErrorNotice error={error} onRetry={() => void refresh()} /> : <Loading />;
  }
  if (status.kiosk) return <KioskApp />;
  if (locked) return <FirstRunPage />;
  if (!status.firstRunComplete) {
    return (
      <>
        <div className="ks-op-setup-banner" role="region" aria-label={t('firstRun.bannerLabel')}>
          <span>{t('firstRun.banner')}</span> <a href="#/first-run">{t('firstRun.bannerLink')}</a>
          {' · '}
          <a href="#/operator">{t('firstRun.bannerConsole')}</a>
        </div>
        {children}
      </>
    );
  }
  if (status.role !== 'operator') return <OperatorSignInPage />;
  return (
    <OperatorIdleLock seconds={status.operatorIdleSeconds}>
      <ConsoleReturnBar name={status.operator?.displayName ?? ''} />
      {children}
    </OperatorIdleLock>
  );
}

/**
 * Outside the console (a person's Security info page run on their behalf, the plain person
 * picker) the operator keeps a way back to the console, and sees who is signed in.
 */
function ConsoleReturnBar({ name }: { name: string }) {
  const { t } = useI18n();
  const route = useRoute();
  if (route.name === 'operator' || route.name === 'firstRun') return null;
  const back =
    route.name === 'securityInfo'
      ? `#/operator/people/${encodeURIComponent(route.personId)}`
      : '#/operator';
  return (
    <div className="ks-op-setup-banner" role="region" aria-label={t('operator.nav.label')}>
      <a href={back} data-testid="back-to-console">
        ← {route.name === 'securityInfo' ? t('operator.nav.backToPerson') : t('operator.nav.label')}
      </a>
      {' · '}
      <span>{t('operator.nav.signedInAs', { name })}</span>
    </div>
  );
}

import type { ReactNode } from 'react';
import { useApi } from '../../api/ApiProvider';
import { Button, PageLayout } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useAccess, useErrorText } from './access';
import { useToasts } from '../../components';
import './operator.css';

export const consoleLinks = [
  { path: '/operator', key: 'dashboard' },
  { path: '/operator/roster', key: 'roster' },
  { path: '/operator/import', key: 'import' },
  { path: '/operator/tokens', key: 'tokens' },
  { path: '/operator/policy', key: 'policy' },
  { path: '/operator/audit', key: 'audit' },
  { path: '/operator/export', key: 'export' },
  { path: '/operator/keys', key: 'keys' },
  { path: '/operator/identity-provider', key: 'identityProvider' },
  { path: '/operator/provision', key: 'provision' },
  { path: '/operator/account', key: 'account' },
] as const;

/** The operator console's frame: navigation, who is signed in, sign out, start kiosk. */
export function ConsoleLayout({
  title,
  current,
  children,
}: {
  title: string;
  current: string;
  children: ReactNode;
}) {
  const api = useApi();
  const { t } = useI18n();
  const { status, set } = useAccess();
  const { show } = useToasts();
  const errorText = useErrorText();

  async function signOut() {
    const r = await api.operator.signOut({ reason: 'user' });
    if (r.ok) set(r.value);
  }

  async function startKiosk() {
    const r = await api.kiosk.start({});
    if (r.ok) {
      window.location.hash = '#/';
      set(r.value);
    } else show(errorText(r.error), 'error');
  }

  const nav = (
    <nav className="ks-op-nav" aria-label={t('operator.nav.label')}>
      <ul>
        {consoleLinks.map((l) => (
          <li key={l.path}>
            <a href={`#${l.path}`} aria-current={current === l.path ? 'page' : undefined}>
              {t(`operator.nav.${l.key}`)}
            </a>
          </li>
        ))}
      </ul>
      <div className="ks-op-nav__who">
        {status?.operator ? (
          <span data-testid="signed-in-operator">
            {t('operator.nav.signedInAs', { name: status.operator.displayName })}
          </span>
        ) : (
          <span>{t('operator.nav.openStation')}</span>
        )}
        {status?.firstRunComplete ? (
          <Button onClick={() => void startKiosk()}>{t('operator.nav.startKiosk')}</Button>
        ) : null}
        {status?.operator ? (
          <Button onClick={() => void signOut()}>{t('operator.nav.signOut')}</Button>
        ) : null}
      </div>
    </nav>
  );
  return (
    <PageLayout title={title} before={nav}>
      {children}
    </PageLayout>
  );
}

import { useEffect, useRef, type ReactNode } from 'react';
import { languages, themes, type Language, type Theme } from '../../../preload/contract/wire';
import { useCall } from '../api/ApiProvider';
import { useI18n } from '../i18n/I18nProvider';
import { useTheme } from '../theme';
import { Icon } from './Icon';

export interface PageLayoutProps {
  /** The page's h1; also the document title. */
  title: string;
  /** Above the title, e.g. a back link. */
  before?: ReactNode;
  children: ReactNode;
}

let firstPageShown = false;

/** Header (app name, demo badge, language and theme), a skip link, and the main landmark. */
export function PageLayout({ title, before, children }: PageLayoutProps) {
  const { t, language, chosen, setLanguage } = useI18n();
  const { theme, setTheme } = useTheme();
  const { state: info } = useCall((api) => api.station.info({}), []);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${title} – ${t('app.name')}`;
  }, [title, t]);

  // After an in-app page change, move focus to the new heading so screen readers announce
  // it; on the first page keep the natural order (the skip link is the first Tab stop).
  useEffect(() => {
    if (firstPageShown) headingRef.current?.focus({ preventScroll: true });
    firstPageShown = true;
  }, [title]);

  const demo = info.status === 'ok' && info.value.mode === 'demo';
  const alarm = info.status === 'ok' && !info.value.auditIntact;

  return (
    <div className="ks-app">
      <header className="ks-header">
        <div className="ks-header__brand">
          <span className="ks-header__logo">
            <Icon name="key" size={28} />
          </span>
          <span className="ks-header__name">{t('app.name')}</span>
          {demo ? (
            <span className="ks-badge ks-badge--demo" title={t('app.demoExplanation')}>
              {t('app.demoBadge')}
            </span>
          ) : null}
        </div>
        <div className="ks-header__controls">
          <label className="ks-select">
            <span className="ks-select__label">{t('header.language')}</span>
            <select
              value={chosen ?? language}
              onChange={(e) => setLanguage(e.target.value as Language)}
              data-testid="language-select"
            >
              {languages.map((l) => (
                <option key={l} value={l} lang={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="ks-select">
            <span className="ks-select__label">{t('header.theme')}</span>
            <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
              {themes.map((th) => (
                <option key={th} value={th}>
                  {t(`header.themeOptions.${th}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {alarm ? (
        <div
          className="ks-notice ks-notice--error ks-integrity-alarm"
          role="alert"
          data-testid="integrity-alarm"
        >
          <p className="ks-notice__title">{t('app.integrityAlarmTitle')}</p>
          <p>{t('app.integrityAlarm')}</p>
        </div>
      ) : null}
      <main id="main" className="ks-main" tabIndex={-1}>
        {before}
        <h1 className="ks-page-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </main>
    </div>
  );
}

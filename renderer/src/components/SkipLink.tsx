import { useI18n } from '../i18n/I18nProvider';

/**
 * "Skip to content": the first Tab stop of every page, before any banner or header, so a
 * keyboard user reaches the page's main landmark (PageLayout's <main id="main">) at once.
 */
export function SkipLink() {
  const { t } = useI18n();
  return (
    <a className="ks-skip-link" href="#main">
      {t('app.skipToContent')}
    </a>
  );
}

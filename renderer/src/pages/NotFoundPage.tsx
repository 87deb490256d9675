import { PageLayout } from '../components';
import { useI18n } from '../i18n/I18nProvider';
import { routeHref } from '../router';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <PageLayout title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <p>
        <a href={routeHref({ name: 'people' })}>{t('notFound.home')}</a>
      </p>
    </PageLayout>
  );
}

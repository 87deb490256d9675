import { useEffect, useState } from 'react';
import { ErrorNotice, Loading, PageLayout, TextField, useToasts } from '../components';
import { useCall } from '../api/ApiProvider';
import { useI18n } from '../i18n/I18nProvider';
import { routeHref } from '../router';

const PAGE_SIZE = 50;

/** The demo's minimal person picker: roster search → open security info (DESIGN.md §3.7). */
export function PeoplePage() {
  const { t } = useI18n();
  const { announce } = useToasts();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(timer);
  }, [query]);

  const { state, reload } = useCall(
    (api) => api.people.search({ query: debounced, limit: PAGE_SIZE }),
    [debounced],
  );

  useEffect(() => {
    if (state.status === 'ok') announce(t('people.results', { count: state.value.people.length }));
  }, [state, announce, t]);

  return (
    <PageLayout title={t('people.title')}>
      <p className="ks-lead">{t('people.intro')}</p>
      <form role="search" className="ks-search" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label={t('people.searchLabel')}
          placeholder={t('people.searchPlaceholder')}
          type="search"
          value={query}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
        />
      </form>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === 'ok' ? (
        state.value.people.length === 0 ? (
          <p className="ks-empty">{t('people.noResults')}</p>
        ) : (
          <>
            <p className="ks-muted">
              {state.value.hasMore
                ? t('people.showingOf', { shown: state.value.people.length })
                : t('people.results', { count: state.value.people.length })}
            </p>
            <ul className="ks-roster" aria-label={t('people.title')}>
              {state.value.people.map((p) => (
                <li key={p.id} className="ks-roster__item">
                  <a
                    className="ks-roster__link"
                    href={routeHref({ name: 'securityInfo', personId: p.id })}
                    aria-label={t('people.open', { name: p.displayName })}
                  >
                    <span className="ks-roster__name">
                      {p.displayName}
                      {p.status === 'disabled' ? (
                        <span className="ks-badge">{t('people.disabled')}</span>
                      ) : null}
                    </span>
                    <span className="ks-roster__upn">{p.upn}</span>
                    <span className="ks-roster__meta">
                      {p.department ? <span>{p.department}</span> : null}
                      <span>{t('people.methodCount', { count: p.methodCount })}</span>
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          </>
        )
      ) : null}
    </PageLayout>
  );
}

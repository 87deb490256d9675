/** Roster: search as you type, completion and department filters, add a person (DESIGN.md §3.7). */
import { useEffect, useState, type FormEvent } from 'react';
import type { ContractError, RegistrationFilter, RosterRow } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, Dialog, ErrorNotice, Loading, TextField } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';

const filters: RegistrationFilter[] = ['all', 'incomplete', 'notStarted', 'complete'];

export function personHref(id: string): string {
  return `#/operator/people/${encodeURIComponent(id)}`;
}

function AddPersonDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const [form, setForm] = useState({
    upn: '',
    displayName: '',
    department: '',
    email: '',
    mobile: '',
  });
  const [error, setError] = useState<ContractError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await api.roster.create(form);
    if (r.ok) {
      onClose();
      window.location.hash = personHref(r.value.id);
    } else setError(r.error);
  }
  const field = (key: keyof typeof form, label: string, type = 'text') => (
    <TextField
      label={label}
      type={type}
      value={form[key]}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
    />
  );
  return (
    <Dialog open={open} title={t('operator.roster.addTitle')} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} className="ks-op-form">
        {field('upn', t('operator.roster.upn'))}
        {field('displayName', t('operator.roster.displayName'))}
        {field('department', t('operator.roster.department'))}
        {field('email', t('operator.roster.email'), 'email')}
        {field('mobile', t('operator.roster.mobile'), 'tel')}
        {error ? (
          <p className="ks-field__error" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        <div className="ks-dialog__actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary">
            {t('operator.roster.add')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function RosterPage() {
  const { t, formatDateTime } = useI18n();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [registration, setRegistration] = useState<RegistrationFilter>('all');
  const [department, setDepartment] = useState('');
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(query.trim()), 200);
    return () => clearTimeout(timer);
  }, [query]);

  const { state, reload } = useCall(
    (api) =>
      api.roster.list({
        query: debounced,
        registration,
        department: department || null,
        limit: 200,
      }),
    [debounced, registration, department],
  );
  const departments = state.status === 'ok' ? state.value.departments : [];
  // Later pages, fetched with the cursor of the page before ("Show more").
  const api = useApi();
  const [later, setLater] = useState<{ rows: RosterRow[]; cursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ContractError | null>(null);
  useEffect(() => {
    setLater(null);
    setMoreError(null);
  }, [state]);
  const people = state.status === 'ok' ? [...state.value.people, ...(later?.rows ?? [])] : [];
  const cursor = later ? later.cursor : state.status === 'ok' ? state.value.nextCursor : null;

  async function showMore() {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    const r = await api.roster.list({
      query: debounced,
      registration,
      department: department || null,
      limit: 200,
      cursor,
    });
    setLoadingMore(false);
    if (r.ok)
      setLater((l) => ({
        rows: [...(l?.rows ?? []), ...r.value.people],
        cursor: r.value.nextCursor,
      }));
    else setMoreError(r.error);
  }

  return (
    <ConsoleLayout title={t('operator.roster.title')} current="/operator/roster">
      <div className="ks-op-filters" role="search">
        <TextField
          label={t('operator.roster.search')}
          type="search"
          value={query}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
        />
        <label className="ks-select">
          <span className="ks-select__label">{t('operator.roster.registration')}</span>
          <select
            value={registration}
            onChange={(e) => setRegistration(e.target.value as RegistrationFilter)}
            data-testid="registration-filter"
          >
            {filters.map((f) => (
              <option key={f} value={f}>
                {t(`operator.roster.filter.${f}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="ks-select">
          <span className="ks-select__label">{t('operator.roster.department')}</span>
          <select
            value={department}
            onChange={(e) => setDepartment(e.target.value)}
            data-testid="department-filter"
          >
            <option value="">{t('operator.roster.allDepartments')}</option>
            {departments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <Button variant="primary" onClick={() => setAdding(true)}>
          {t('operator.roster.add')}
        </Button>
      </div>
      <AddPersonDialog open={adding} onClose={() => setAdding(false)} />
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === 'ok' ? (
        people.length === 0 ? (
          <p className="ks-empty">{t('operator.roster.none')}</p>
        ) : (
          <table className="ks-op-table ks-op-roster" data-testid="roster">
            <caption className="ks-muted">
              {t('operator.roster.count', { count: people.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('operator.roster.displayName')}</th>
                <th scope="col">{t('operator.roster.upn')}</th>
                <th scope="col">{t('operator.roster.department')}</th>
                <th scope="col">{t('operator.roster.methods')}</th>
                <th scope="col">{t('operator.roster.registration')}</th>
                <th scope="col">{t('operator.roster.challenge')}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <a href={personHref(p.id)}>{p.displayName}</a>
                  </th>
                  <td>{p.upn}</td>
                  <td>{p.department ?? ''}</td>
                  <td>{p.methodCount}</td>
                  <td>
                    <span className={`ks-op-state ks-op-state--${p.registration}`}>
                      {t(`operator.roster.filter.${p.registration}`)}
                    </span>
                  </td>
                  <td data-testid="roster-challenge">
                    {p.challengeReadyUntil
                      ? t('operator.provision.readyUntil', {
                          time: formatDateTime(p.challengeReadyUntil),
                        })
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {moreError ? <ErrorNotice error={moreError} onRetry={() => void showMore()} /> : null}
      {state.status === 'ok' && cursor ? (
        <Button onClick={() => void showMore()} unavailable={loadingMore} data-testid="roster-more">
          {t('operator.roster.showMore')}
        </Button>
      ) : null}
    </ConsoleLayout>
  );
}

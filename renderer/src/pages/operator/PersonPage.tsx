/** A person as the operator sees them: record (editable), temporary pass, security info link. */
import { useEffect, useState, type FormEvent } from 'react';
import type { ContractError, PersonRecord } from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { routeHref } from '../../router';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';
import { downloadJson, fileDate, fileSafe } from './download';
import { PassPanel } from './PassPanel';
import { describeMethod } from '../methodDetail';
import {
  ProviderMethodsSection,
  useProviderLink,
  WhereMarker,
} from '../securityInfo/ProviderMethods';

/**
 * The person's methods where they live (docs/IDP.md): the station's own with their state at the
 * identity provider, then the ones the provider holds. Shown on a linked station only.
 */
function MethodsWhere({ personId }: { personId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { state } = useCall((api) => api.securityInfo.get({ personId }), [personId]);
  const { link, reload } = useProviderLink(personId);
  if (!link?.stationLinked || state.status !== 'ok') return null;
  return (
    <section className="ks-op-card" data-testid="person-methods-where">
      <h2 className="ks-section-title">{t('operator.person.methodsWhere')}</h2>
      {state.value.methods.length === 0 ? (
        <p className="ks-empty">{t('securityInfo.noMethods')}</p>
      ) : (
        <ul className="ks-op-where">
          {state.value.methods.map((m) => (
            <li key={m.id} data-method-id={m.id}>
              {describeMethod(m, i18n)} <WhereMarker link={link} methodId={m.id} kind={m.kind} />
            </li>
          ))}
        </ul>
      )}
      <ProviderMethodsSection personId={personId} link={link} onChanged={reload} />
    </section>
  );
}

function RecordForm({ record, onSaved }: { record: PersonRecord; onSaved: () => void }) {
  const api = useApi();
  const { t } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [form, setForm] = useState({
    displayName: record.displayName,
    department: record.department,
    email: record.email,
    mobile: record.mobile,
  });
  const [error, setError] = useState<ContractError | null>(null);
  useEffect(() => {
    setForm({
      displayName: record.displayName,
      department: record.department,
      email: record.email,
      mobile: record.mobile,
    });
  }, [record]);

  async function save(e: FormEvent) {
    e.preventDefault();
    const r = await api.roster.update({ personId: record.id, ...form });
    if (r.ok) {
      setError(null);
      show(t('operator.person.saved'), 'success');
      onSaved();
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
    <form className="ks-op-card ks-op-form" onSubmit={(e) => void save(e)}>
      <h2 className="ks-section-title">{t('operator.person.record')}</h2>
      {field('displayName', t('operator.roster.displayName'))}
      {field('department', t('operator.roster.department'))}
      {field('email', t('operator.roster.email'), 'email')}
      {field('mobile', t('operator.roster.mobile'), 'tel')}
      {error ? (
        <p className="ks-field__error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
      <Button type="submit">{t('operator.person.save')}</Button>
    </form>
  );
}

/** This person's security keys as standard WebAuthn registration JSON (DESIGN.md §6). */
function ExportKeysButton({ personId, upn }: { personId: string; upn: string }) {
  const api = useApi();
  const { t } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  async function exportKeys() {
    const r = await api.roster.exportWebAuthn({ personId });
    if (!r.ok) {
      show(errorText(r.error), 'error');
      return;
    }
    downloadJson(
      r.value,
      `keystation-webauthn-${fileSafe(upn)}-${fileDate(r.value.exportedAt)}.json`,
    );
    show(t('operator.person.exportedKeys', { count: r.value.keys.length }), 'success');
  }
  return <Button onClick={() => void exportKeys()}>{t('operator.person.exportKeys')}</Button>;
}

export function PersonPage({ personId }: { personId: string }) {
  const { t } = useI18n();
  const { state, reload } = useCall((api) => api.roster.get({ personId }), [personId]);
  const { state: policy } = useCall((api) => api.policy.get({}), []);
  const organization = policy.status === 'ok' ? policy.value.organizationName : '';
  // Keep showing the last answer while it reloads, so a pass just shown stays on screen.
  const [record, setRecord] = useState<PersonRecord | null>(null);
  useEffect(() => {
    if (state.status === 'ok') setRecord(state.value);
  }, [state]);
  const title = record ? record.displayName : t('operator.person.title');
  return (
    <ConsoleLayout title={title} current="/operator/roster">
      {state.status === 'loading' && !record ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {record ? (
        <>
          <p className="ks-lead">
            <span data-testid="person-upn">{record.upn}</span> ·{' '}
            <span className={`ks-op-state ks-op-state--${record.registration}`}>
              {t(`operator.roster.filter.${record.registration}`)}
            </span>{' '}
            · {t('operator.roster.methodCount', { count: record.methodCount })}
          </p>
          <p>
            <a
              className="ks-button ks-button--primary"
              href={routeHref({ name: 'securityInfo', personId })}
            >
              {t('operator.person.openSecurityInfo')}
            </a>{' '}
            <ExportKeysButton personId={personId} upn={record.upn} />
          </p>
          <p className="ks-muted">{t('operator.person.onBehalf')}</p>
          <div className="ks-op-grid">
            <RecordForm record={record} onSaved={reload} />
            <PassPanel
              personId={personId}
              pass={record.pass}
              organization={organization}
              onChange={reload}
            />
          </div>
          <MethodsWhere personId={personId} />
        </>
      ) : null}
    </ConsoleLayout>
  );
}

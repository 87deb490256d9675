/**
 * The link to the identity provider (docs/IDP.md): connection settings (tenant, app, secret or
 * certificate, authority and Graph hosts with the public cloud as default), "Test connection"
 * in plain words, the group to pull with "Pull now", and the outbox: counts per state, last
 * error, next try, retry or discard a failed change, "Sync now".
 */
import { useEffect, useState, type FormEvent } from 'react';
import type {
  ContractError,
  IdpConnection,
  IdpConnectionCheck,
  IdpPullResult,
  OutboxOverview,
  OutboxState,
} from '../../../../preload/contract';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading, Notice, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';

const STATES: readonly OutboxState[] = ['pending', 'sent', 'confirmed', 'failed', 'discarded'];

interface Form {
  tenantId: string;
  clientId: string;
  credentialKind: 'secret' | 'certificate';
  secret: string;
  privateKeyPem: string;
  certificatePem: string;
  authorityHost: string;
  graphHost: string;
  groupId: string;
}

function formOf(c: IdpConnection): Form {
  return {
    tenantId: c.tenantId,
    clientId: c.clientId,
    credentialKind: c.credentialKind,
    secret: '',
    privateKeyPem: '',
    certificatePem: '',
    authorityHost: c.authorityHost,
    graphHost: c.graphHost,
    groupId: c.groupId,
  };
}

function ConnectionForm({
  connection,
  onSaved,
}: {
  connection: IdpConnection;
  onSaved(c: IdpConnection): void;
}) {
  const api = useApi();
  const { t } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [form, setForm] = useState<Form>(() => formOf(connection));
  const [error, setError] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setForm(formOf(connection)), [connection]);

  const field = (key: keyof Form, label: string, hint?: string, type = 'text') => (
    <TextField
      label={label}
      hint={hint}
      type={type}
      autoComplete="off"
      spellCheck={false}
      value={form[key]}
      data-testid={`idp-${key}`}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
    />
  );
  const pemField = (key: 'privateKeyPem' | 'certificatePem', label: string) => (
    <div className="ks-field">
      <label className="ks-field__label" htmlFor={`idp-${key}`}>
        {label}
      </label>
      <textarea
        id={`idp-${key}`}
        data-testid={`idp-${key}`}
        className="ks-field__input ks-op-textarea"
        rows={4}
        spellCheck={false}
        autoComplete="off"
        value={form[key]}
        placeholder={connection.hasSecret ? t('operator.idp.keepStored') : ''}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </div>
  );

  async function save(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    const secretPart =
      form.credentialKind === 'secret'
        ? form.secret
          ? { secret: form.secret }
          : {}
        : form.privateKeyPem || form.certificatePem
          ? { privateKeyPem: form.privateKeyPem, certificatePem: form.certificatePem }
          : {};
    const r = await api.identityProvider.saveConnection({
      tenantId: form.tenantId,
      clientId: form.clientId,
      credentialKind: form.credentialKind,
      ...secretPart,
      authorityHost: form.authorityHost,
      graphHost: form.graphHost,
      groupId: form.groupId,
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    show(t('operator.idp.saved'), 'success');
    onSaved(r.value);
  }

  return (
    <form
      className="ks-op-card ks-op-form"
      onSubmit={(e) => void save(e)}
      data-testid="idp-connection-form"
    >
      <h2 className="ks-section-title">{t('operator.idp.connection')}</h2>
      {field('tenantId', t('operator.idp.tenantId'), t('operator.idp.tenantIdHint'))}
      {field('clientId', t('operator.idp.clientId'), t('operator.idp.clientIdHint'))}
      <fieldset className="ks-op-fieldset">
        <legend>{t('operator.idp.credential')}</legend>
        <div className="ks-op-tabs">
          {(['secret', 'certificate'] as const).map((k) => (
            <label key={k}>
              <input
                type="radio"
                name="idp-credential"
                value={k}
                checked={form.credentialKind === k}
                onChange={() => setForm({ ...form, credentialKind: k })}
              />
              {t(`operator.idp.credentialKind.${k}`)}
            </label>
          ))}
        </div>
        {form.credentialKind === 'secret' ? (
          field(
            'secret',
            t('operator.idp.secret'),
            connection.hasSecret && connection.credentialKind === 'secret'
              ? t('operator.idp.secretStored')
              : t('operator.idp.secretHint'),
            'password',
          )
        ) : (
          <>
            {connection.certificateThumbprint ? (
              <p className="ks-muted" data-testid="idp-thumbprint">
                {t('operator.idp.certificateStored', {
                  thumbprint: connection.certificateThumbprint.slice(0, 16),
                })}
              </p>
            ) : null}
            {pemField('privateKeyPem', t('operator.idp.privateKeyPem'))}
            {pemField('certificatePem', t('operator.idp.certificatePem'))}
          </>
        )}
      </fieldset>
      {field('groupId', t('operator.idp.groupId'), t('operator.idp.groupIdHint'))}
      <details>
        <summary>{t('operator.idp.hosts')}</summary>
        <p className="ks-muted">{t('operator.idp.hostsHint')}</p>
        {field('authorityHost', t('operator.idp.authorityHost'))}
        {field('graphHost', t('operator.idp.graphHost'))}
      </details>
      {error ? (
        <p className="ks-field__error" role="alert" data-testid="idp-save-error">
          {errorText(error)}
        </p>
      ) : null}
      <Button type="submit" variant="primary" unavailable={busy} data-testid="idp-save">
        {t('operator.idp.save')}
      </Button>
    </form>
  );
}

function CheckResult({ check }: { check: IdpConnectionCheck }) {
  const { t, tDynamic } = useI18n();
  if (check.ok)
    return (
      <div data-testid="idp-test-result">
        <Notice tone="success">{t('operator.idp.testOk')}</Notice>
      </div>
    );
  const code = check.problem?.code ?? 'idp.providerError';
  return (
    <div data-testid="idp-test-result">
      <div className="ks-notice ks-notice--error" role="alert">
        <p className="ks-notice__title">{t('operator.idp.testFailed')}</p>
        <p>
          {tDynamic(
            `errors.station.${code}`,
            t('errors.station.idp.providerError', { detail: code }),
            check.problem?.params,
          )}
        </p>
      </div>
    </div>
  );
}

function PullSummary({ result }: { result: IdpPullResult }) {
  const { t } = useI18n();
  return (
    <p role="status" data-testid="idp-pull-result">
      {t('operator.idp.pulled', {
        people: result.people,
        created: result.created,
        updated: result.updated,
        left: result.left,
        methods: result.methods,
      })}
      {result.methodsUnread > 0
        ? ` ${t('operator.idp.methodsUnread', { count: result.methodsUnread })}`
        : ''}
    </p>
  );
}

function OutboxPanel({
  outbox,
  onChange,
}: {
  outbox: OutboxOverview;
  onChange(o: OutboxOverview): void;
}) {
  const api = useApi();
  const { t, tDynamic, formatDateTime } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const failed = outbox.items.filter((i) => i.state === 'failed');

  async function sync() {
    setBusy(true);
    const r = await api.identityProvider.sync({});
    setBusy(false);
    if (!r.ok) {
      show(errorText(r.error), 'error');
      return;
    }
    onChange(r.value.outbox);
    if (r.value.attempted === 0) {
      show(t('operator.idp.nothingToSync'), 'success');
      return;
    }
    show(
      t('operator.idp.synced', {
        confirmed: r.value.confirmed,
        failed: r.value.failed,
        waiting: r.value.rescheduled,
      }),
      r.value.failed > 0 ? 'error' : 'success',
    );
  }

  async function act(kind: 'retry' | 'discard', itemId: number) {
    const r = await api.identityProvider[kind]({ itemId });
    if (r.ok) onChange(r.value);
    else show(errorText(r.error), 'error');
  }

  return (
    <section className="ks-op-card" aria-labelledby="idp-outbox" data-testid="idp-outbox">
      <h2 className="ks-section-title" id="idp-outbox">
        {t('operator.idp.outbox')}
      </h2>
      <p className="ks-muted">{t('operator.idp.outboxText')}</p>
      <table className="ks-op-table" data-testid="idp-outbox-counts">
        <tbody>
          {STATES.map((s) => (
            <tr key={s} data-state={s}>
              <th scope="row">{t(`operator.idp.state.${s}`)}</th>
              <td data-testid={`idp-count-${s}`}>{outbox.counts[s]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="ks-op-export__facts">
        <dt>{t('operator.idp.nextTry')}</dt>
        <dd data-testid="idp-next-try">
          {outbox.nextAttemptAt ? formatDateTime(outbox.nextAttemptAt) : t('operator.idp.nothing')}
        </dd>
        <dt>{t('operator.idp.lastError')}</dt>
        <dd data-testid="idp-last-error">{outbox.lastError ?? t('operator.idp.none')}</dd>
      </dl>
      <Button
        variant="primary"
        unavailable={busy}
        onClick={() => void sync()}
        data-testid="idp-sync"
      >
        {busy ? t('operator.idp.syncing') : t('operator.idp.syncNow')}
      </Button>
      {failed.length > 0 ? (
        <table className="ks-op-table" data-testid="idp-failed-items">
          <caption>{t('operator.idp.failedItems')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('operator.idp.operation')}</th>
              <th scope="col">{t('operator.idp.error')}</th>
              <th scope="col">
                <span className="ks-visually-hidden">{t('operator.idp.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {failed.map((i) => (
              <tr key={i.id} data-item-id={i.id}>
                <td>{tDynamic(`operator.idp.operations.${i.operation}`, i.operation)}</td>
                <td>{i.lastError ?? ''}</td>
                <td>
                  <Button variant="link" onClick={() => void act('retry', i.id)}>
                    {t('operator.idp.retry')}
                  </Button>{' '}
                  <Button variant="link" onClick={() => void act('discard', i.id)}>
                    {t('operator.idp.discard')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function LinkedPanels({ connection }: { connection: IdpConnection }) {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const { state: outboxState, reload } = useCall((a) => a.identityProvider.outbox({}), []);
  const [outbox, setOutbox] = useState<OutboxOverview | null>(null);
  const [check, setCheck] = useState<IdpConnectionCheck | null>(null);
  const [pull, setPull] = useState<IdpPullResult | null>(null);
  const [busy, setBusy] = useState<null | 'test' | 'pull'>(null);
  const [error, setError] = useState<ContractError | null>(null);
  useEffect(() => {
    if (outboxState.status === 'ok') setOutbox(outboxState.value);
  }, [outboxState]);

  async function test() {
    setBusy('test');
    setCheck(null);
    setError(null);
    const r = await api.identityProvider.testConnection({});
    setBusy(null);
    if (r.ok) setCheck(r.value);
    else setError(r.error);
  }

  async function pullNow() {
    setBusy('pull');
    setPull(null);
    setError(null);
    const r = await api.identityProvider.pull({});
    setBusy(null);
    if (r.ok) {
      setPull(r.value);
      reload();
    } else setError(r.error);
  }

  return (
    <>
      <section className="ks-op-card" aria-labelledby="idp-actions">
        <h2 className="ks-section-title" id="idp-actions">
          {t('operator.idp.checkAndPull')}
        </h2>
        <p>
          <Button unavailable={busy !== null} onClick={() => void test()} data-testid="idp-test">
            {busy === 'test' ? t('operator.idp.testing') : t('operator.idp.test')}
          </Button>{' '}
          <Button
            variant="primary"
            unavailable={busy !== null || !connection.groupId}
            disabledReason={t('operator.idp.groupNeeded')}
            onClick={() => void pullNow()}
            data-testid="idp-pull"
          >
            {busy === 'pull' ? t('operator.idp.pulling') : t('operator.idp.pullNow')}
          </Button>
        </p>
        {check ? <CheckResult check={check} /> : null}
        {pull ? <PullSummary result={pull} /> : null}
        {error ? (
          <p className="ks-field__error" role="alert" data-testid="idp-error">
            {errorText(error)}
          </p>
        ) : null}
      </section>
      {outboxState.status === 'error' ? (
        <ErrorNotice error={outboxState.error} onRetry={reload} />
      ) : null}
      {outbox ? <OutboxPanel outbox={outbox} onChange={setOutbox} /> : null}
    </>
  );
}

export function IdentityProviderPage() {
  const { t } = useI18n();
  const { state, reload } = useCall((api) => api.identityProvider.connection({}), []);
  const [connection, setConnection] = useState<IdpConnection | null>(null);
  useEffect(() => {
    if (state.status === 'ok') setConnection(state.value);
  }, [state]);
  return (
    <ConsoleLayout title={t('operator.idp.title')} current="/operator/identity-provider">
      <p className="ks-lead">{t('operator.idp.lead')}</p>
      {state.status === 'loading' && !connection ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {connection ? (
        <>
          <p data-testid="idp-linked">
            {connection.configured ? t('operator.idp.linked') : t('operator.idp.notLinked')}
          </p>
          <div className="ks-op-grid">
            <ConnectionForm connection={connection} onSaved={setConnection} />
            {connection.configured ? <LinkedPanels connection={connection} /> : null}
          </div>
        </>
      ) : null}
    </ConsoleLayout>
  );
}

/**
 * First run (DESIGN.md §2, §3.7): the first operator (an admin), demo or production mode, the
 * organization (name, relying party id + name), the core of the policy; then the operator's
 * own security key. Production mode refuses the virtual key and hides the demo data.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { ContractError } from '../../../preload/contract';
import { firstRunSchema } from '../../../preload/contract/operator';
import { useApi } from '../api/ApiProvider';
import { Button, Notice, PageLayout, TextField } from '../components';
import { useI18n } from '../i18n/I18nProvider';
import { useAccess, useErrorText } from './operator/access';
import { OperatorKeyRegistration } from './operator/OperatorKeyRegistration';
import './operator/operator.css';

interface Form {
  username: string;
  displayName: string;
  password: string;
  confirm: string;
  mode: 'demo' | 'production';
  organizationName: string;
  rpId: string;
  rpName: string;
  requiredCount: string;
  requireSecurityKey: boolean;
  kioskIdleSeconds: string;
}

export function FirstRunPage() {
  const api = useApi();
  const { t } = useI18n();
  const errorText = useErrorText();
  const { status, set } = useAccess();
  const [form, setForm] = useState<Form>({
    username: '',
    displayName: '',
    password: '',
    confirm: '',
    // A station installed for production (not --demo) proposes production.
    mode: status?.mode ?? 'demo',
    organizationName: '',
    rpId: '',
    rpName: '',
    requiredCount: '2',
    requireSecurityKey: true,
    kioskIdleSeconds: '120',
  });
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  // After setup the gate re-renders the page signed in: it then shows the key step.
  const [step, setStep] = useState<'setup' | 'key'>(status?.firstRunComplete ? 'key' : 'setup');

  const input = {
    username: form.username,
    displayName: form.displayName,
    password: form.password,
    mode: form.mode,
    organizationName: form.organizationName,
    rpId: form.rpId,
    rpName: form.rpName || form.organizationName,
    requiredCount: Number(form.requiredCount),
    requireSecurityKey: form.requireSecurityKey,
    kioskIdleSeconds: Number(form.kioskIdleSeconds),
  };
  const problems = useMemo(() => {
    const r = firstRunSchema.safeParse(input);
    const out = new Map<string, string>();
    if (!r.success) for (const i of r.error.issues) out.set(String(i.path[0]), i.code);
    if (form.confirm !== form.password) out.set('confirm', 'mismatch');
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [form]);
  const problem = (field: string): string | null =>
    submitted && problems.has(field) ? t(`firstRun.problems.${field}` as never) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSubmitted(true);
    if (problems.size > 0) return;
    const r = await api.operator.setup(input);
    if (r.ok) {
      set(r.value);
      setStep('key');
    } else setError(r.error);
  }

  const text = (key: keyof Form, label: string, type = 'text', hint?: string) => (
    <TextField
      label={label}
      hint={hint}
      type={type}
      value={String(form[key])}
      error={problem(key)}
      autoComplete={type === 'password' ? 'new-password' : 'off'}
      onChange={(e) => setForm({ ...form, [key]: e.target.value })}
    />
  );

  if (step === 'key') {
    return (
      <PageLayout title={t('firstRun.keyTitle')}>
        <p className="ks-lead">{t('firstRun.keyIntro')}</p>
        <OperatorKeyRegistration />
        <p>
          <a
            className="ks-button ks-button--primary"
            href="#/operator"
            data-testid="first-run-finish"
          >
            {t('firstRun.toConsole')}
          </a>
        </p>
      </PageLayout>
    );
  }

  return (
    <PageLayout title={t('firstRun.title')}>
      <p className="ks-lead">{t('firstRun.intro')}</p>
      <form className="ks-op-form ks-op-firstrun" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="ks-op-fieldset">
          <legend>{t('firstRun.operator')}</legend>
          {text('displayName', t('firstRun.displayName'))}
          {text('username', t('operator.signIn.username'), 'text', t('firstRun.usernameHint'))}
          {text('password', t('operator.signIn.password'), 'password', t('firstRun.passwordHint'))}
          {text('confirm', t('firstRun.confirmPassword'), 'password')}
        </fieldset>
        <fieldset className="ks-op-fieldset">
          <legend>{t('firstRun.mode')}</legend>
          <label className="ks-op-check">
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'demo'}
              onChange={() => setForm({ ...form, mode: 'demo' })}
            />
            {t('firstRun.modeDemo')}
          </label>
          <label className="ks-op-check">
            <input
              type="radio"
              name="mode"
              checked={form.mode === 'production'}
              onChange={() => setForm({ ...form, mode: 'production' })}
            />
            {t('firstRun.modeProduction')}
          </label>
          {form.mode === 'production' ? (
            <Notice tone="info">{t('firstRun.productionNote')}</Notice>
          ) : null}
        </fieldset>
        <fieldset className="ks-op-fieldset">
          <legend>{t('firstRun.organization')}</legend>
          {text('organizationName', t('firstRun.organizationName'))}
          {text('rpId', t('firstRun.rpId'), 'text', t('firstRun.rpIdHint'))}
          {text('rpName', t('firstRun.rpName'), 'text', t('firstRun.rpNameHint'))}
        </fieldset>
        <fieldset className="ks-op-fieldset">
          <legend>{t('firstRun.policy')}</legend>
          {text('requiredCount', t('policyEditor.requiredCount'), 'number')}
          <label className="ks-op-check">
            <input
              type="checkbox"
              checked={form.requireSecurityKey}
              onChange={(e) => setForm({ ...form, requireSecurityKey: e.target.checked })}
            />
            {t('firstRun.requireSecurityKey')}
          </label>
          {text('kioskIdleSeconds', t('policyEditor.kioskIdle'), 'number')}
        </fieldset>
        {error ? (
          <p className="ks-field__error" role="alert">
            {errorText(error)}
          </p>
        ) : null}
        <Button type="submit" variant="primary">
          {t('firstRun.submit')}
        </Button>
      </form>
    </PageLayout>
  );
}

/**
 * Policy editor (DESIGN.md §2). The contract's zod schema checks the form as it is edited (each
 * issue translated next to its field); main checks the same schema again, then the station's.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ContractError, EditablePolicy, MethodKind } from '../../../../preload/contract';
import { methodKinds } from '../../../../preload/contract/security-info';
import { policyIssues, policySchema } from '../../../../preload/contract/policy';
import { useApi, useCall } from '../../api/ApiProvider';
import { Button, ErrorNotice, Loading, TextField, useToasts } from '../../components';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorText } from './access';
import { ConsoleLayout } from './ConsoleLayout';

type Draft = EditablePolicy & { aaguidsText: string };

function toDraft(p: EditablePolicy): Draft {
  return { ...p, aaguidsText: p.securityKey.allowedAaguids.join('\n') };
}

function fromDraft(d: Draft): unknown {
  const { aaguidsText, ...policy } = d;
  return {
    ...policy,
    securityKey: {
      ...policy.securityKey,
      allowedAaguids: aaguidsText
        .split(/\s+/)
        .map((s) => s.trim())
        .filter(Boolean),
    },
  };
}

function PolicyForm({ initial }: { initial: EditablePolicy }) {
  const api = useApi();
  const { t, tDynamic } = useI18n();
  const { show } = useToasts();
  const errorText = useErrorText();
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const [serverError, setServerError] = useState<ContractError | null>(null);
  const [touched, setTouched] = useState(false);

  const issues = useMemo(() => {
    const r = policySchema.safeParse(fromDraft(draft));
    return r.success ? [] : policyIssues(r.error);
  }, [draft]);

  const issueFor = (path: string): string | null => {
    if (!touched) return null;
    const i = issues.find((x) => x.path === path || x.path.startsWith(`${path}.`));
    return i
      ? tDynamic(`policyEditor.issues.${i.code}`, t('policyEditor.issues.invalid'), i.params)
      : null;
  };

  function patch(change: (d: Draft) => Draft) {
    setTouched(true);
    setDraft((d) => change(d));
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    const parsed = policySchema.safeParse(fromDraft(draft));
    if (!parsed.success) return;
    const r = await api.policy.update({ policy: parsed.data });
    if (r.ok) {
      setServerError(null);
      setDraft(toDraft(r.value));
      show(t('policyEditor.saved'), 'success');
    } else setServerError(r.error);
  }

  const num = (label: string, path: string, value: number, set: (d: Draft, n: number) => Draft) => (
    <TextField
      label={label}
      type="number"
      inputMode="numeric"
      value={Number.isNaN(value) ? '' : String(value)}
      error={issueFor(path)}
      onChange={(e) => patch((d) => set(d, e.target.value === '' ? NaN : Number(e.target.value)))}
    />
  );
  const check = (label: string, value: boolean, set: (d: Draft, v: boolean) => Draft) => (
    <label className="ks-op-check">
      <input
        type="checkbox"
        checked={value}
        onChange={(e) => patch((d) => set(d, e.target.checked))}
      />
      {label}
    </label>
  );
  const kindList = (
    legend: string,
    path: string,
    chosen: readonly MethodKind[],
    set: (d: Draft, kinds: MethodKind[]) => Draft,
  ) => (
    <fieldset className="ks-op-fieldset">
      <legend>{legend}</legend>
      {methodKinds.map((k) => (
        <label key={k} className="ks-op-check">
          <input
            type="checkbox"
            checked={chosen.includes(k)}
            onChange={(e) => {
              const on = e.target.checked;
              patch((d) => set(d, on ? [...chosen, k] : chosen.filter((x) => x !== k)));
            }}
          />
          {tDynamic(`methods.kind.${k}`, k)}
        </label>
      ))}
      {issueFor(path) ? (
        <p className="ks-field__error" role="alert">
          {issueFor(path)}
        </p>
      ) : null}
    </fieldset>
  );

  return (
    <form className="ks-op-form ks-op-policy" onSubmit={(e) => void save(e)} noValidate>
      <TextField
        label={t('policyEditor.organizationName')}
        value={draft.organizationName}
        error={issueFor('organizationName')}
        onChange={(e) => {
          const v = e.target.value;
          patch((d) => ({ ...d, organizationName: v }));
        }}
      />
      {kindList(
        t('policyEditor.allowedMethods'),
        'allowedMethods',
        draft.allowedMethods,
        (d, k) => ({
          ...d,
          allowedMethods: k,
        }),
      )}
      {num(
        t('policyEditor.requiredCount'),
        'registration.requiredCount',
        draft.registration.requiredCount,
        (d, n) => ({
          ...d,
          registration: { ...d.registration, requiredCount: n },
        }),
      )}
      {kindList(
        t('policyEditor.requiredKinds'),
        'registration.requiredKinds',
        draft.registration.requiredKinds,
        (d, k) => ({ ...d, registration: { ...d.registration, requiredKinds: k } }),
      )}
      <label className="ks-select">
        <span className="ks-select__label">{t('policyEditor.ssprMethods')}</span>
        <select
          value={draft.sspr.requiredMethods}
          onChange={(e) => {
            const v = Number(e.target.value) === 2 ? 2 : 1;
            patch((d) => ({ ...d, sspr: { ...d.sspr, requiredMethods: v } }));
          }}
        >
          <option value={1}>1</option>
          <option value={2}>2</option>
        </select>
      </label>
      <fieldset className="ks-op-fieldset">
        <legend>{t('policyEditor.securityKey')}</legend>
        <TextField
          label={t('firstRun.rpId')}
          value={draft.securityKey.rpId}
          error={issueFor('securityKey.rpId')}
          onChange={(e) => {
            const v = e.target.value;
            patch((d) => ({ ...d, securityKey: { ...d.securityKey, rpId: v } }));
          }}
        />
        <TextField
          label={t('firstRun.rpName')}
          value={draft.securityKey.rpName}
          error={issueFor('securityKey.rpName')}
          onChange={(e) => {
            const v = e.target.value;
            patch((d) => ({ ...d, securityKey: { ...d.securityKey, rpName: v } }));
          }}
        />
        <div className="ks-field">
          <label className="ks-field__label" htmlFor="aaguids">
            {t('policyEditor.allowedAaguids')}
          </label>
          <textarea
            id="aaguids"
            className="ks-field__input ks-op-textarea"
            rows={3}
            value={draft.aaguidsText}
            onChange={(e) => {
              const v = e.target.value;
              patch((d) => ({ ...d, aaguidsText: v }));
            }}
          />
          {issueFor('securityKey.allowedAaguids') ? (
            <p className="ks-field__error" role="alert">
              {issueFor('securityKey.allowedAaguids')}
            </p>
          ) : null}
        </div>
        {check(
          t('policyEditor.attestationRequired'),
          draft.securityKey.attestationRequired,
          (d, v) => ({
            ...d,
            securityKey: { ...d.securityKey, attestationRequired: v },
          }),
        )}
        {check(
          t('policyEditor.uvRequired'),
          draft.securityKey.userVerificationRequired,
          (d, v) => ({
            ...d,
            securityKey: { ...d.securityKey, userVerificationRequired: v },
          }),
        )}
        {check(t('policyEditor.rkRequired'), draft.securityKey.residentKeyRequired, (d, v) => ({
          ...d,
          securityKey: { ...d.securityKey, residentKeyRequired: v },
        }))}
      </fieldset>
      <fieldset className="ks-op-fieldset">
        <legend>{t('policyEditor.pin')}</legend>
        {num(t('policyEditor.pinMinLength'), 'pin.minLength', draft.pin.minLength, (d, n) => ({
          ...d,
          pin: { ...d.pin, minLength: n },
        }))}
        {check(t('policyEditor.rejectTrivial'), draft.pin.rejectTrivial, (d, v) => ({
          ...d,
          pin: { ...d.pin, rejectTrivial: v },
        }))}
        {check(t('policyEditor.forceChange'), draft.pin.forceChangeWhenOperatorSet, (d, v) => ({
          ...d,
          pin: { ...d.pin, forceChangeWhenOperatorSet: v },
        }))}
      </fieldset>
      <fieldset className="ks-op-fieldset">
        <legend>{t('policyEditor.totp')}</legend>
        <TextField
          label={t('policyEditor.issuer')}
          value={draft.totp.issuer}
          error={issueFor('totp.issuer')}
          onChange={(e) => {
            const v = e.target.value;
            patch((d) => ({ ...d, totp: { ...d.totp, issuer: v } }));
          }}
        />
      </fieldset>
      {num(
        t('policyEditor.questions'),
        'questions.requiredCount',
        draft.questions.requiredCount,
        (d, n) => ({
          ...d,
          questions: { requiredCount: n },
        }),
      )}
      {num(
        t('policyEditor.kioskIdle'),
        'kiosk.idleTimeoutSeconds',
        draft.kiosk.idleTimeoutSeconds,
        (d, n) => ({
          ...d,
          kiosk: { idleTimeoutSeconds: n },
        }),
      )}
      {touched && issues.length > 0 ? (
        <p className="ks-notice ks-notice--error" role="alert" data-testid="policy-invalid">
          {t('policyEditor.fixErrors', { count: issues.length })}
        </p>
      ) : null}
      {serverError ? (
        <p className="ks-field__error" role="alert">
          {errorText(serverError)}
        </p>
      ) : null}
      <Button type="submit" variant="primary">
        {t('policyEditor.save')}
      </Button>
    </form>
  );
}

export function PolicyPage() {
  const { t } = useI18n();
  const { state, reload } = useCall((api) => api.policy.get({}), []);
  const [key, setKey] = useState(0);
  useEffect(() => setKey((k) => k + 1), [state]);
  return (
    <ConsoleLayout title={t('policyEditor.title')} current="/operator/policy">
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorNotice error={state.error} onRetry={reload} /> : null}
      {state.status === 'ok' ? <PolicyForm key={key} initial={state.value} /> : null}
    </ConsoleLayout>
  );
}

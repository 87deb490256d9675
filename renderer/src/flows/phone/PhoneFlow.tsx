/**
 * Phone (SPEC §3.5, seed 002): country + number → "Text me a code" or "Call me" → enter the
 * code (or an operator confirms in person) → done. An extension is removed and the person is
 * told so; numbers are stored in E.164 by main.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type {
  ContactOptions,
  ContractError,
  MethodKind,
  MethodSummary,
  PhoneVerification,
} from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components/Button';
import { cleanCode, CodeField, FlowError, FlowStep, FlowSuccess } from '../../components/FlowParts';
import { Loading, Notice } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { countryOptions } from './countries';
import { DemoOutbox, OfflineNotice } from './ContactVerification';

type PhoneKind = 'phoneSms' | 'phoneCall';
type Step = 'number' | 'code' | 'done';

/** A phone number never breaks across lines (no-break spaces between its groups). */
function keepTogether(display: string): string {
  return display.replace(/ /g, '\u00a0');
}

export function makePhoneFlow(preferred: PhoneKind) {
  function PhoneKindFlow(props: FlowProps) {
    return <PhoneFlow {...props} preferred={preferred} />;
  }
  return PhoneKindFlow;
}

export function PhoneFlow({ person, onDone, preferred }: FlowProps & { preferred: PhoneKind }) {
  const api = useApi();
  const { t, language } = useI18n();
  const [step, setStep] = useState<Step>('number');
  const [country, setCountry] = useState('SE');
  const [number, setNumber] = useState('');
  const [inPerson, setInPerson] = useState(false);
  const [options, setOptions] = useState<ContactOptions | null>(null);
  const [offerable, setOfferable] = useState<MethodKind[] | null>(null);
  const [started, setStarted] = useState<(PhoneVerification & { kind: PhoneKind }) | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  const [added, setAdded] = useState<MethodSummary | null>(null);
  const countries = useMemo(() => countryOptions(language), [language]);

  useEffect(() => {
    let live = true;
    void Promise.all([
      api.enrollment.contactOptions({}),
      api.securityInfo.get({ personId: person.id }),
    ]).then(([o, info]) => {
      if (!live) return;
      setOptions(
        o.ok
          ? o.value
          : { gateway: 'outbox', canConfirmInPerson: false, demo: false, canReadOutbox: false },
      );
      setOfferable(info.ok ? info.value.offerableKinds : [preferred]);
    });
    return () => {
      live = false;
    };
  }, [api, person.id, preferred]);

  const pending = useRef<string | null>(null);
  const finished = useRef({ added: false, reported: false });
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;
  useEffect(
    () => () => {
      if (pending.current) void api.enrollment.phoneCancel({ enrollmentId: pending.current });
      if (finished.current.added && !finished.current.reported) onDoneRef.current(true);
    },
    [api],
  );

  if (!options || !offerable) return <Loading />;
  // Kinds the organization does not allow (or already registered) are not offered at all.
  const order: PhoneKind[] =
    preferred === 'phoneSms' ? ['phoneSms', 'phoneCall'] : ['phoneCall', 'phoneSms'];
  const kinds = order.filter((k) => offerable.includes(k));

  const begin = async (kind: PhoneKind) => {
    if (number.trim() === '') {
      setError({ kind: 'station', code: 'phone.invalid' });
      return;
    }
    setBusy(true);
    setError(null);
    const r = await api.enrollment.phoneBegin({
      personId: person.id,
      kind,
      number: number.trim(),
      country,
      delivery: inPerson ? 'inPerson' : 'gateway',
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    pending.current = r.value.enrollmentId;
    setStarted({ ...r.value, kind });
    setCode('');
    setStep('code');
  };

  const succeed = (m: MethodSummary) => {
    pending.current = null;
    finished.current.added = true;
    setAdded(m);
    setStep('done');
  };

  const restart = (e: ContractError) => {
    pending.current = null;
    setStarted(null);
    setStep('number');
    setError(e);
  };

  const verify = async () => {
    if (!started) return;
    setBusy(true);
    setError(null);
    const r = await api.enrollment.phoneComplete({
      enrollmentId: started.enrollmentId,
      code: cleanCode(code),
    });
    setBusy(false);
    if (r.ok) return succeed(r.value);
    setCode('');
    if (
      [
        'code.tooManyAttempts',
        'code.expired',
        'enrollment.expired',
        'enrollment.notFound',
      ].includes(r.error.code)
    ) {
      return restart(r.error);
    }
    setError(r.error);
  };

  const confirmInPerson = async () => {
    if (!started) return;
    setBusy(true);
    setError(null);
    const r = await api.enrollment.phoneConfirmInPerson({ enrollmentId: started.enrollmentId });
    setBusy(false);
    if (r.ok) succeed(r.value);
    else setError(r.error);
  };

  const cancel = (
    <Button onClick={() => onDone(false)} disabled={busy}>
      {t('common.cancel')}
    </Button>
  );

  if (step === 'number') {
    return (
      <FlowStep
        testId="phone-step-number"
        title={t('phone.number.heading')}
        onSubmit={() => kinds[0] && void begin(kinds[0])}
        actions={
          <>
            {cancel}
            {/* The preferred way is primary (and Enter); buttons are ordered primary last. */}
            {[...kinds].reverse().map((k) => (
              <Button
                key={k}
                variant={k === kinds[0] ? 'primary' : 'secondary'}
                type={k === kinds[0] ? 'submit' : 'button'}
                disabled={busy}
                onClick={k === kinds[0] ? undefined : () => void begin(k)}
              >
                {k === 'phoneSms' ? t('phone.number.text') : t('phone.number.call')}
              </Button>
            ))}
          </>
        }
      >
        <p>{t('phone.number.body')}</p>
        {kinds.length === 0 ? (
          <Notice tone="warning">{t('phone.number.noneOffered')}</Notice>
        ) : null}
        <div className="ks-flow-fields">
          <div className="ks-flow-select">
            <label htmlFor="ks-phone-country">{t('phone.number.country')}</label>
            <select
              id="ks-phone-country"
              value={country}
              onChange={(e) => setCountry(e.target.value)}
            >
              {countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <TextField
            label={t('phone.number.label')}
            hint={t('phone.number.hint')}
            value={number}
            type="tel"
            autoComplete="tel"
            maxLength={64}
            onChange={(e) => setNumber(e.target.value)}
          />
        </div>
        {options.canConfirmInPerson ? (
          <label className="ks-flow-check">
            <input
              type="checkbox"
              checked={inPerson}
              onChange={(e) => setInPerson(e.target.checked)}
            />
            {t('enroll.inPerson.option')}
          </label>
        ) : null}
        <FlowError error={error} />
      </FlowStep>
    );
  }

  if (step === 'code' && started) {
    const extension = started.extensionRemoved ? (
      <Notice tone="warning">
        <p data-testid="phone-extension-notice">
          {t('phone.code.extensionRemoved', {
            extension: started.extensionRemoved,
            number: keepTogether(started.display),
          })}
        </p>
      </Notice>
    ) : null;
    if (started.delivery === 'inPerson') {
      return (
        <FlowStep
          testId="phone-step-in-person"
          title={t('enroll.inPerson.heading')}
          onSubmit={() => void confirmInPerson()}
          actions={
            <>
              {cancel}
              <Button variant="primary" type="submit" disabled={busy}>
                {t('enroll.inPerson.confirm')}
              </Button>
            </>
          }
        >
          {extension}
          <p>{t('phone.code.inPerson', { number: keepTogether(started.display) })}</p>
          <FlowError error={error} />
        </FlowStep>
      );
    }
    return (
      <FlowStep
        testId="phone-step-code"
        title={t('phone.code.heading')}
        onSubmit={() => void verify()}
        actions={
          <>
            <Button
              onClick={() => {
                void api.enrollment.phoneCancel({ enrollmentId: started.enrollmentId });
                pending.current = null;
                setStarted(null);
                setError(null);
                setStep('number');
              }}
              disabled={busy}
            >
              {t('common.back')}
            </Button>
            <Button variant="primary" type="submit" disabled={busy}>
              {t('enroll.verify')}
            </Button>
          </>
        }
      >
        {extension}
        <p data-testid="phone-sent">
          {started.kind === 'phoneSms'
            ? t('phone.code.sentSms', { number: keepTogether(started.display) })
            : t('phone.code.sentCall', { number: keepTogether(started.display) })}
        </p>
        <OfflineNotice options={options} />
        {options.canReadOutbox ? (
          <DemoOutbox enrollmentId={started.enrollmentId} demo={options.demo} />
        ) : null}
        <CodeField label={t('enroll.codeLabel')} value={code} onChange={setCode} />
        <FlowError error={error} />
      </FlowStep>
    );
  }

  return (
    <FlowStep
      testId="phone-step-done"
      title={t('phone.success.heading')}
      onSubmit={() => {
        finished.current.reported = true;
        onDone(true);
      }}
      actions={
        <Button variant="primary" type="submit">
          {t('common.done')}
        </Button>
      }
    >
      <FlowSuccess>
        <p>
          {started?.kind === 'phoneCall'
            ? t('phone.success.call', { number: keepTogether(started?.display ?? '') })
            : t('phone.success.sms', { number: keepTogether(started?.display ?? '') })}
        </p>
        {added?.isDefault ? <p>{t('enroll.nowDefault')}</p> : null}
      </FlowSuccess>
    </FlowStep>
  );
}

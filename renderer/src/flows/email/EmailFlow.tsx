/**
 * Alternate email (SPEC §3.6, seed 001: password reset only): address → code by mail, or an
 * operator confirms in person → done.
 */
import { useEffect, useRef, useState } from 'react';
import type {
  ContactOptions,
  ContractError,
  EmailVerification,
} from '../../../../preload/contract';
import { useApi } from '../../api/ApiProvider';
import { Button } from '../../components/Button';
import { cleanCode, CodeField, FlowError, FlowStep, FlowSuccess } from '../../components/FlowParts';
import { Loading } from '../../components/Status';
import { TextField } from '../../components/TextField';
import { useI18n } from '../../i18n/I18nProvider';
import type { FlowProps } from '../index';
import { DemoOutbox, OfflineNotice } from '../phone/ContactVerification';

type Step = 'address' | 'code' | 'done';

export function EmailFlow({ person, onDone }: FlowProps) {
  const api = useApi();
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('address');
  const [address, setAddress] = useState('');
  const [inPerson, setInPerson] = useState(false);
  const [options, setOptions] = useState<ContactOptions | null>(null);
  const [started, setStarted] = useState<EmailVerification | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);

  useEffect(() => {
    let live = true;
    void api.enrollment.contactOptions({}).then((o) => {
      if (live)
        setOptions(
          o.ok
            ? o.value
            : { gateway: 'outbox', canConfirmInPerson: false, demo: false, canReadOutbox: false },
        );
    });
    return () => {
      live = false;
    };
  }, [api]);

  const pending = useRef<string | null>(null);
  const finished = useRef({ added: false, reported: false });
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;
  useEffect(
    () => () => {
      if (pending.current) void api.enrollment.emailCancel({ enrollmentId: pending.current });
      if (finished.current.added && !finished.current.reported) onDoneRef.current(true);
    },
    [api],
  );

  if (!options) return <Loading />;

  const begin = async () => {
    setBusy(true);
    setError(null);
    const r = await api.enrollment.emailBegin({
      personId: person.id,
      address: address.trim(),
      delivery: inPerson ? 'inPerson' : 'gateway',
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    pending.current = r.value.enrollmentId;
    setStarted(r.value);
    setCode('');
    setStep('code');
  };

  const succeed = () => {
    pending.current = null;
    finished.current.added = true;
    setStep('done');
  };

  const verify = async () => {
    if (!started) return;
    setBusy(true);
    setError(null);
    const r = await api.enrollment.emailComplete({
      enrollmentId: started.enrollmentId,
      code: cleanCode(code),
    });
    setBusy(false);
    if (r.ok) return succeed();
    setCode('');
    if (
      [
        'code.tooManyAttempts',
        'code.expired',
        'enrollment.expired',
        'enrollment.notFound',
      ].includes(r.error.code)
    ) {
      pending.current = null;
      setStarted(null);
      setStep('address');
    }
    setError(r.error);
  };

  const confirmInPerson = async () => {
    if (!started) return;
    setBusy(true);
    setError(null);
    const r = await api.enrollment.emailConfirmInPerson({ enrollmentId: started.enrollmentId });
    setBusy(false);
    if (r.ok) succeed();
    else setError(r.error);
  };

  const cancel = (
    <Button onClick={() => onDone(false)} disabled={busy}>
      {t('common.cancel')}
    </Button>
  );

  if (step === 'address') {
    return (
      <FlowStep
        testId="email-step-address"
        title={t('email.address.heading')}
        onSubmit={() => void begin()}
        actions={
          <>
            {cancel}
            <Button variant="primary" type="submit" disabled={busy}>
              {t('common.next')}
            </Button>
          </>
        }
      >
        <p>{t('email.address.body')}</p>
        <TextField
          label={t('email.address.label')}
          value={address}
          type="email"
          autoComplete="email"
          maxLength={254}
          onChange={(e) => setAddress(e.target.value)}
        />
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
    if (started.delivery === 'inPerson') {
      return (
        <FlowStep
          testId="email-step-in-person"
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
          <p>{t('email.code.inPerson', { address: started.address })}</p>
          <FlowError error={error} />
        </FlowStep>
      );
    }
    return (
      <FlowStep
        testId="email-step-code"
        title={t('email.code.heading')}
        onSubmit={() => void verify()}
        actions={
          <>
            <Button
              onClick={() => {
                void api.enrollment.emailCancel({ enrollmentId: started.enrollmentId });
                pending.current = null;
                setStarted(null);
                setError(null);
                setStep('address');
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
        <p>{t('email.code.sent', { address: started.address })}</p>
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
      testId="email-step-done"
      title={t('email.success.heading')}
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
        <p>{t('email.success.body', { address: started?.address ?? '' })}</p>
      </FlowSuccess>
    </FlowStep>
  );
}
